import type { KeyValueStore, Platform } from '../lib/platform';
import { within } from './timeout';

/*
 * How acquaint keeps what it must not lose, on the device, across pages and tabs.
 *
 * Two IndexedDB databases of the site's origin: `acquaint-queue` (every destination's queued
 * events, delivery/persistence.ts) and `acquaint-identity` (the profile and what lives with it,
 * identity/store.ts). Both are opened the same way, by a durable store (this file):
 *
 * - **after consent**: nothing is opened, created or written before a storage purpose is granted;
 *   until then, and whenever IndexedDB fails, everything lives in memory (one debug line says so).
 * - **claim**: the first read of what is stored, done under a Web Lock, before this page writes
 *   anything of its own. Two tabs opened at once on a new visitor then end with one identity, and
 *   one tab's records are read by another only once their owner's lock says whether it lives.
 * - **time limit**: a claim that gets no answer in 5 s (storage/timeout.ts) gives up to memory.
 *   WebKit freezes a transaction begun by a page that goes into its back/forward cache, and every
 *   later transaction on that database waits behind it: ready() must not wait for ever.
 * - **leaving**: from the page's pagehide to its next task. No transaction is begun then, for the
 *   same WebKit freeze: a write asked for while leaving is **held** a task (storage/held-store.ts),
 *   which a page that lives on runs and a frozen one runs only if restored.
 *
 * What a page going away had not seen committed is said in a **next-page note** (storage/notes.ts),
 * in localStorage, which writes synchronously:
 * - **rescue** (the queue): at pagehide every queued record, for the next page;
 * - **handed over** (the queue): what sendBeacon took, so the next page deletes it rather than
 *   sending it again;
 * - **unsaved** (identity): the writes of audience history, cap counts and the delivery log not
 *   yet committed.
 *
 * A queue record belongs to the tab that made it (its **owner**), whose `acquaint-tab:<id>` Web
 * Lock is held for the tab's life. A record whose owner holds no lock is an **orphan**: the next
 * tab to claim **adopts** it (it becomes that tab's and is sent), drops it (expired, or consent now
 * denied) or leaves it (consent still pending). Without Web Locks every record not the tab's own is
 * adopted: a duplicate is possible, a loss is not.
 *
 * Pagehide (and a hidden visibilitychange) hands the queue over in this order: beacons first, then
 * the rescue note. Firefox can run a second hide nested inside the first one's sendBeacon or
 * localStorage write and end the page before the outer one goes on; the nested hide sends only
 * what is not already leaving (delivery/outbox.ts).
 */

/**
 * One IndexedDB object store, `database`/`name`, opened after consent under the Web Lock `lock`
 * (what is stored is read, and first written, by one tab at a time), within a time limit, and in
 * memory whenever it fails: `current` is the store while it works, undefined otherwise. `inMemory`
 * is the debug line's subject then ("queues stay", "identity stays").
 */
export function createDurableStore(
  env: Platform,
  [database, name, inMemory, lock]: [string, string, string, string?],
  debug: (message: string) => void,
) {
  let store: KeyValueStore | undefined;
  let opening: Promise<unknown> | undefined;
  const failed = (error: unknown): void => {
    store = undefined;
    debug(`IndexedDB unavailable, ${inMemory} in memory: ${String(error)}`);
  };

  return {
    get current(): KeyValueStore | undefined {
      return store;
    },
    /**
     * Opens the store once (until `close`): `before` first (a lock of the caller's own), then
     * `current` is set and `claim` runs under the lock. Resolves with the claim's answer, or
     * undefined if storage failed or gave no answer in time; a claim that goes on after that
     * sees `live()` false and must not touch what the page now keeps in memory.
     */
    open<T>(claim: (store: KeyValueStore, live: () => boolean) => Promise<T>, before?: () => Promise<void>): Promise<T | undefined> {
      return (opening ??= (async () => {
        let live = true;
        try {
          const opened = env.openStore?.(database, name);
          if (!opened) throw new Error('IndexedDB is not available');
          const claiming = (async () => {
            await before?.();
            if (!live) return undefined;
            store = opened;
            const run = () => claim(opened, () => live);
            return env.locks && lock ? env.locks.request(lock, run) : run();
          })();
          return await within(env, claiming);
        } catch (error) {
          live = false;
          failed(error);
          return undefined;
        }
      })()) as Promise<T | undefined>;
    },
    /** A write or read failed: memory from now on (until the next `open` after `close`). */
    fail(error: unknown): void {
      if (store) failed(error);
    },
    /** What the store holds now (none while storage is not allowed, or failed). */
    entries: (): Promise<[IDBValidKey, unknown][]> => store?.entries() ?? Promise.resolve([]),
    /** Erasure, or storage withdrawn: nothing more is written, and what is stored goes (`keys`, or all). */
    async clear(keys?: IDBValidKey[]): Promise<void> {
      const cleared = store;
      store = undefined;
      opening = undefined;
      if (!cleared) return;
      keys ??= (await cleared.entries().catch(() => [])).map(([key]) => key);
      await cleared.delMany(keys).catch(() => undefined);
    },
  };
}

export type DurableStore = ReturnType<typeof createDurableStore>;
