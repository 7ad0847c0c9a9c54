import { serializeEvent } from '../events/serialize';
import { utf8Length } from '../lib/bytes';
import { fitBatch } from './batch';
import type { QueueRecord } from './record';

export interface QueueLimits {
  maxEvents: number;
  maxBytes: number;
  maxAgeMs: number;
}

const byTime = (a: QueueRecord, b: QueueRecord): number =>
  a.event.timestamp < b.event.timestamp ? -1 : a.event.timestamp > b.event.timestamp ? 1 : a.seq - b.seq;

// What `add` evicted when nothing was: shared, and never changed by its callers.
const NONE: QueueRecord[] = [];
const bytesOf = (record: QueueRecord): number => utf8Length(serializeEvent(record.event));

/**
 * One destination's queue, oldest first. Bounded in count and bytes: adding past a bound
 * evicts the oldest records that are not being sent, which the caller reports.
 */
export function createQueue(limits: QueueLimits) {
  const records: QueueRecord[] = [];
  const sizes = new WeakMap<QueueRecord, number>();
  const inFlight = new Set<QueueRecord>();
  let bytes = 0;
  let unmeasured = false;

  const sizeOf = (record: QueueRecord): number => {
    let size = sizes.get(record);
    if (size === undefined) sizes.set(record, (size = bytesOf(record)));
    return size;
  };

  function remove(gone: ReadonlySet<QueueRecord>): void {
    let kept = 0;
    for (const record of records) {
      if (gone.has(record)) {
        bytes -= sizes.get(record) ?? 0;
        inFlight.delete(record);
      } else records[kept++] = record;
    }
    records.length = kept;
  }

  function evict(): QueueRecord[] {
    const evicted = new Set<QueueRecord>();
    let count = records.length;
    let total = bytes;
    for (const record of records) {
      if (count <= limits.maxEvents && total <= limits.maxBytes) break;
      if (inFlight.has(record)) continue;
      evicted.add(record);
      count--;
      total -= sizeOf(record);
    }
    remove(evicted);
    return [...evicted];
  }

  return {
    get length(): number {
      return records.length;
    },
    /**
     * Adds records, kept in event-time order, and returns what the count bound evicted. Bytes
     * are measured later (`trim`), off the push path, since measuring means serialising.
     */
    add(added: readonly QueueRecord[]): QueueRecord[] {
      let ordered = true;
      for (const record of added) {
        const last = records[records.length - 1];
        if (last && byTime(record, last) < 0) ordered = false;
        records.push(record);
        unmeasured = true;
      }
      if (!ordered) records.sort(byTime);
      if (records.length <= limits.maxEvents) return NONE;
      // Over the count bound only by what was just added: evict from the front, cheaply. shift()
      // rather than splice(0, 1): V8 trims an array's front in place, where splice moves every
      // element (50 µs a push into a full queue of 10,000, in Chromium's profile; 0.4 µs now).
      const evicted: QueueRecord[] = [];
      while (records.length > limits.maxEvents) {
        const index = records.findIndex((r) => !inFlight.has(r));
        if (index < 0) break;
        const record = index === 0 ? records.shift()! : records.splice(index, 1)[0]!;
        bytes -= sizes.get(record) ?? 0;
        evicted.push(record);
      }
      return evicted;
    },
    /** Applies the byte bound; returns what it evicted. */
    trim(): QueueRecord[] {
      if (!unmeasured) return [];
      unmeasured = false;
      bytes = records.reduce((sum, record) => sum + sizeOf(record), 0);
      return evict();
    },
    /** The next batch to send, oldest first, marked in flight until settled. */
    take(maxEvents: number, maxBytes: number): QueueRecord[] {
      const free = records.filter((r) => !inFlight.has(r)).slice(0, maxEvents);
      const batch = free.slice(
        0,
        fitBatch(
          free.map((r) => r.event),
          maxEvents,
          maxBytes,
        ),
      );
      for (const record of batch) inFlight.add(record);
      return batch;
    },
    /** Everything, in flight or not (the page is going away). */
    all(): QueueRecord[] {
      return records.slice();
    },
    /** What no request is carrying right now. */
    idle(): QueueRecord[] {
      return records.filter((r) => !inFlight.has(r));
    },
    /** The batch is done with: delivered or dropped. */
    remove(done: readonly QueueRecord[]): void {
      remove(new Set(done));
    },
    /** The batch failed and will be tried again. */
    release(failed: readonly QueueRecord[]): void {
      for (const record of failed) {
        record.attempts++;
        inFlight.delete(record);
      }
    },
    /** Records older than the age limit, removed. */
    expire(now: number): QueueRecord[] {
      const old = new Set(records.filter((r) => !inFlight.has(r) && now - Date.parse(r.event.timestamp) > limits.maxAgeMs));
      remove(old);
      return [...old];
    },
    /** Of `candidates`, those whose event is not queued here yet (a gone tab's records, adopted). */
    missing(candidates: readonly QueueRecord[]): QueueRecord[] {
      // Built on demand: adoption is rare, a Set kept per push would cost every event.
      const queued = new Set(records.map((r) => r.event.messageId));
      return candidates.filter((r) => !queued.has(r.event.messageId));
    },
  };
}

export type Queue = ReturnType<typeof createQueue>;
