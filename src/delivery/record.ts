import type { AcquaintEvent } from '../events/event';
import { isPlainObject } from '../lib/is';

/** One queued event for one destination; it carries its own retry count (STYLE §3.8). */
export interface QueueRecord {
  destination: string;
  event: AcquaintEvent;
  attempts: number;
  /** The tab that queued (or adopted) it: only that tab sends it while it lives. */
  owner: string;
  /** Order within the tab, for events of the same millisecond. */
  seq: number;
}

export const recordKey = (record: Pick<QueueRecord, 'destination' | 'event'>): string =>
  `${record.destination}\u0000${record.event.messageId}`;

/** Stored data is untrusted on the way back in: keep only records with the shape we wrote. */
export function isQueueRecord(value: unknown): value is QueueRecord {
  if (!isPlainObject(value) || !isPlainObject(value.event)) return false;
  const { destination, attempts, owner, seq, event } = value;
  return (
    typeof destination === 'string' &&
    typeof owner === 'string' &&
    typeof attempts === 'number' &&
    typeof seq === 'number' &&
    typeof event.messageId === 'string' &&
    typeof event.timestamp === 'string' &&
    typeof event.type === 'string'
  );
}
