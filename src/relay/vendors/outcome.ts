import type { OutboxRow, Prepared, VendorRequest } from './types';

/** What a vendor's `prepare` gathers while it goes through the rows: refusals and trim counts. */
export interface Outcome {
  refuse(row: OutboxRow, reason: string): void;
  trim(reason: string, count?: number): void;
  result(requests: VendorRequest[]): Prepared;
}

export function outcome(): Outcome {
  const refused: Prepared['refused'] = [];
  const counts = new Map<string, number>();
  return {
    refuse: (row, reason) => void refused.push({ row, reason }),
    trim(reason, count = 1) {
      if (count > 0) counts.set(reason, (counts.get(reason) ?? 0) + count);
    },
    result: (requests) => ({ requests, refused, trimmed: [...counts].map(([reason, count]) => ({ reason, count })) }),
  };
}

/**
 * The event's time (ms) as a vendor should get it, or undefined once the row is refused: a
 * timestamp that does not parse, or one past the vendor's age limit (the relay checks that
 * before claiming; this holds if a row waited since). A time ahead of the relay's clock is the
 * browser's clock running fast: vendors refuse future times, so it becomes now.
 */
export function eventTime(row: OutboxRow, now: number, maxAgeMs: number | undefined, out: Outcome): number | undefined {
  const time = Date.parse(row.event.timestamp);
  const reason = Number.isNaN(time) ? 'bad_timestamp' : maxAgeMs !== undefined && now - time > maxAgeMs ? 'too_old' : undefined;
  if (reason === undefined) return Math.min(time, now);
  out.refuse(row, reason);
  return undefined;
}

/** Splits `items`, in order, into runs of at most `maxCount` items and `maxBytes` by `size`. */
export function chunk<T>(items: readonly T[], maxCount: number, maxBytes: number, size: (item: T) => number): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const itemBytes = size(item);
    if (run.length && (run.length >= maxCount || bytes + itemBytes > maxBytes)) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(item);
    bytes += itemBytes;
  }
  if (run.length) runs.push(run);
  return runs;
}

/** UTF-8 bytes of a string: what a vendor's body limit counts. */
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** A settings base URL without its trailing slashes, so paths join with one. */
export const baseUrl = (endpoint: string | undefined, fallback: string): string => (endpoint ?? fallback).replace(/\/+$/, '');

/** A value of a config map such as `eventNames`, never one inherited from Object.prototype. */
export function ownString(map: Record<string, string> | undefined, key: string): string | undefined {
  const value = map && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}
