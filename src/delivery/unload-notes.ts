import { readLocal } from '../lib/json';
import type { SyncStore } from '../lib/platform';
import { isQueueRecord, recordKey, type QueueRecord } from './record';

const RESCUE = 'acquaint.rescue.';
const HANDOVER = 'acquaint.handover.';

const read = (local: SyncStore, name: string): unknown[] => {
  const value = readLocal(local, name);
  return Array.isArray(value) ? (value as unknown[]) : [];
};

/**
 * What a tab writes, synchronously, as the page goes: an IndexedDB write or delete started
 * now may never commit, localStorage does. `rescue` keeps every queued record for the next
 * page; `handedOver` notes what sendBeacon took, so the next page does not send it again.
 */
export function createUnloadNotes(local: SyncStore | undefined, tabId: string) {
  return {
    rescue(records: readonly QueueRecord[]): void {
      local?.set(RESCUE + tabId, JSON.stringify(records));
    },
    handedOver(records: readonly QueueRecord[]): void {
      if (!local) return;
      const gone = new Set(records.map(recordKey));
      const rescued = read(local, RESCUE + tabId).filter((r) => isQueueRecord(r) && !gone.has(recordKey(r)));
      local.set(RESCUE + tabId, JSON.stringify(rescued));
      local.set(HANDOVER + tabId, JSON.stringify([...read(local, HANDOVER + tabId), ...gone]));
    },
    /**
     * The notes of tabs that are gone. `done` removes them: call it once what they rescued is
     * safely in IndexedDB, so a write that never commits does not lose it.
     */
    fromGoneTabs(alive: ReadonlySet<string>): { rescued: QueueRecord[]; handedOver: Set<string>; done: () => void } {
      const rescued: QueueRecord[] = [];
      const handedOver = new Set<string>();
      const names: string[] = [];
      for (const name of local?.keys() ?? []) {
        const prefix = name.startsWith(RESCUE) ? RESCUE : name.startsWith(HANDOVER) ? HANDOVER : undefined;
        if (!prefix || alive.has(name.slice(prefix.length)) || name === prefix + tabId) continue;
        for (const item of read(local!, name)) {
          if (prefix === RESCUE && isQueueRecord(item)) rescued.push(item);
          if (prefix === HANDOVER && typeof item === 'string') handedOver.add(item);
        }
        names.push(name);
      }
      return { rescued, handedOver, done: () => names.forEach((name) => local!.remove(name)) };
    },
  };
}
