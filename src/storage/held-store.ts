import type { KeyValueStore } from '../lib/platform';

/**
 * `store`, with no transaction begun while `leaving()` (the page's pagehide task): WebKit keeps a
 * page it leaves in its back/forward cache with such a transaction unfinished, and that blocks
 * the database for every later page of the site. What is asked for then waits a task, which a
 * frozen page runs only if restored; what comes after it waits behind it, so order is kept.
 */
export function heldWhileLeaving(
  store: KeyValueStore,
  leaving: () => boolean,
  setTimeout: (callback: () => void, ms: number) => unknown,
): KeyValueStore {
  let held: Promise<void> | undefined;
  const after = <T>(begin: () => Promise<T>): Promise<T> => {
    if (leaving()) {
      held ??= new Promise<void>((resolve) => {
        setTimeout(() => {
          held = undefined;
          resolve();
        }, 0);
      });
    }
    return held ? held.then(begin) : begin();
  };
  return {
    entries: () => after(() => store.entries()),
    setMany: (items) => after(() => store.setMany(items)),
    delMany: (keys) => after(() => store.delMany(keys)),
  };
}
