import type { SyncStore } from '../lib/platform';
import { nextPageNotes } from '../storage/notes';
import { isQueueRecord, recordKey, type QueueRecord } from './record';

const list = (note: unknown): unknown[] => (Array.isArray(note) ? (note as unknown[]) : []);

/**
 * The queue's next-page notes (storage/durable-store.ts): `rescue` keeps every queued record as
 * the page goes; `handedOver` notes what sendBeacon took, so the next page does not send it again.
 */
export function createQueueNotes(local: SyncStore | undefined, tabId: string) {
  const rescues = local && nextPageNotes(local, 'rescue', tabId);
  const handovers = local && nextPageNotes(local, 'handover', tabId);
  return {
    rescue(records: readonly QueueRecord[]): void {
      rescues?.write(records);
    },
    handedOver(records: readonly QueueRecord[]): void {
      if (!rescues || !handovers) return;
      const gone = new Set(records.map(recordKey));
      rescues.write(list(rescues.read()).filter((r) => isQueueRecord(r) && !gone.has(recordKey(r))));
      handovers.write([...list(handovers.read()), ...gone]);
    },
    /**
     * The notes of tabs that are gone. `done` removes them: call it once what they rescued is
     * safely in IndexedDB, so a write that never commits does not lose it.
     */
    fromGoneTabs(alive: ReadonlySet<string>): { rescued: QueueRecord[]; handedOver: Set<string>; done: () => void } {
      const [rescue, removeRescues] = rescues?.others(alive) ?? [[]];
      const [handed, removeHandovers] = handovers?.others(alive) ?? [[]];
      return {
        rescued: rescue.flatMap((note) => list(note).filter(isQueueRecord)),
        handedOver: new Set(handed.flatMap((note) => list(note).filter((key): key is string => typeof key === 'string'))),
        done() {
          removeRescues?.();
          removeHandovers?.();
        },
      };
    },
  };
}
