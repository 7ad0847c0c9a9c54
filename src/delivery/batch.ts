import { utf8Length } from '../lib/bytes';
import type { AcquaintEvent } from '../events/event';
import { serializeEvent } from '../events/serialize';

/** Splits events, in order, into batches within a count and an approximate byte limit. */
export function splitBatches(events: readonly AcquaintEvent[], maxEvents: number, maxBytes: number): AcquaintEvent[][] {
  const batches: AcquaintEvent[][] = [];
  let current: AcquaintEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    // 64 bytes of headroom per batch for the `{"batch":[…],"sentAt":"…"}` envelope.
    const size = utf8Length(serializeEvent(event)) + 1;
    if (current.length > 0 && (current.length >= maxEvents || bytes + size > maxBytes - 64)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
