import { createStore, delMany, entries, setMany } from 'idb-keyval';
import type { KeyValueStore } from './platform';

/**
 * An idb-keyval store in its own database. idb-keyval opens the database inside each call and
 * may throw synchronously there (SecurityError where storage is blocked): every method answers
 * with a promise instead, so callers can always `.catch`.
 */
export function idbStore(database: string, name: string): KeyValueStore {
  const store = createStore(database, name);
  // Opened now rather than on the first read: the callers first wait for a Web Lock (10-20 ms
  // on a page's first request), and opening (creating, on a first visit) takes as long.
  Promise.resolve()
    .then(() => store('readonly', () => undefined))
    .catch(() => undefined); // a failure shows again, and is reported, on the first real call
  return {
    entries: () => Promise.resolve().then(() => entries(store)),
    setMany: (items) => Promise.resolve().then(() => setMany(items, store)),
    delMany: (keys) => Promise.resolve().then(() => delMany(keys, store)),
  };
}
