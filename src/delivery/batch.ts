import { utf8Length } from '../lib/bytes';
import type { AcquaintEvent } from '../events/event';
import { serializeEvent } from '../events/serialize';

// Room left in every batch for the `{"batch":[…],"sentAt":"…"}` envelope.
const ENVELOPE_BYTES = 64;

/** How many leading events fit one batch of at most `maxEvents` and about `maxBytes` (at least one). */
export function fitBatch(events: readonly AcquaintEvent[], maxEvents: number, maxBytes: number): number {
  let bytes = ENVELOPE_BYTES;
  let count = 0;
  for (const event of events) {
    bytes += utf8Length(serializeEvent(event)) + 1;
    if (count > 0 && (count >= maxEvents || bytes > maxBytes)) break;
    count++;
  }
  return count;
}

/** Splits events, in order, into batches within a count and an approximate byte limit. */
export function splitBatches(events: readonly AcquaintEvent[], maxEvents: number, maxBytes: number): AcquaintEvent[][] {
  const batches: AcquaintEvent[][] = [];
  for (let start = 0; start < events.length; ) {
    const count = fitBatch(events.slice(start, start + maxEvents), maxEvents, maxBytes);
    batches.push(events.slice(start, start + count));
    start += count;
  }
  return batches;
}
