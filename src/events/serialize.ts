import type { AcquaintEvent } from './event';

// An event is serialised once: batching measures it and the adapter sends the same string.
// Events are never changed after the gate stamps them, so the cache cannot go stale.
const cache = new WeakMap<AcquaintEvent, string>();

/** JSON of one wire event, computed once per event object. */
export function serializeEvent(event: AcquaintEvent): string {
  let json = cache.get(event);
  if (json === undefined) cache.set(event, (json = JSON.stringify(event)));
  return json;
}
