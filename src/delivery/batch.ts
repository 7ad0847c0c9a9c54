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
