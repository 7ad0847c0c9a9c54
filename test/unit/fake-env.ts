import { vi } from 'vitest';
import type { Env } from '../../src/env';
import { heldWhileLeaving } from '../../src/storage/held-store';
import { audienceParts } from '../../src/personalize/parts';
import type { KeyValueStore, LocksLike, SyncStore } from '../../src/lib/platform';

/** A fetch answer with the given status and headers. */
export const answer = (status: number, headers: Record<string, string> = {}) => ({
  ok: status >= 200 && status < 300,
  status,
  headers: { get: (name: string) => headers[name] ?? null },
});

/** An in-memory stand-in for storage/idb-store.ts, shared by every env that gets it (tabs). */
export function memoryStore(): KeyValueStore & { data: Map<IDBValidKey, unknown> } {
  const data = new Map<IDBValidKey, unknown>();
  return {
    data,
    entries: () => Promise.resolve([...data.entries()]),
    setMany: (items) => Promise.resolve(void items.forEach(([key, value]) => data.set(key, structuredClone(value)))),
    delMany: (keys) => Promise.resolve(void keys.forEach((key) => data.delete(key))),
  };
}

/**
 * Web Locks for "tabs" in one test: requests for a name wait their turn, a lock is held while
 * its callback's promise is pending, and `release` ends a holder as a closing tab would.
 */
export function fakeLocks(): LocksLike & { release(name: string): void } {
  const held = new Map<string, () => void>();
  const tails = new Map<string, Promise<void>>();
  return {
    async request<T>(name: string, callback: () => Promise<T>) {
      const previous = tails.get(name) ?? Promise.resolve();
      let free!: () => void;
      tails.set(
        name,
        previous.then(() => new Promise<void>((resolve) => (free = resolve))),
      );
      await previous;
      const release = () => {
        held.delete(name);
        free();
      };
      held.set(name, release);
      try {
        return await callback();
      } finally {
        if (held.get(name) === release) release();
      }
    },
    query: () => Promise.resolve({ held: [...held.keys()].map((name) => ({ name })) }),
    release: (name) => held.get(name)?.(),
  };
}

/** One in-memory store per database name, as IndexedDB keeps them apart. */
export function memoryDatabases() {
  const databases = new Map<string, ReturnType<typeof memoryStore>>();
  const open = (database: string) => {
    if (!databases.has(database)) databases.set(database, memoryStore());
    return databases.get(database)!;
  };
  return { open, databases };
}

/** `open` of `dbs`, noting each write begun (setMany): its database in `begun`, its keys in `keys`. */
export function writesBegun(dbs: ReturnType<typeof memoryDatabases>) {
  const begun: string[] = [];
  const keys: IDBValidKey[] = [];
  const open = (database: string): KeyValueStore => {
    const store = dbs.open(database);
    return {
      ...store,
      setMany: (items) => {
        begun.push(database);
        keys.push(...items.map(([key]) => key));
        return store.setMany(items);
      },
    };
  };
  return { open, begun, keys };
}

/** An in-memory localStorage stand-in. */
export function memoryLocalStore(): SyncStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: (key) => data.get(key) ?? null,
    set: (key, value) => void data.set(key, value),
    remove: (key) => void data.delete(key),
    keys: () => [...data.keys()],
  };
}

// Shared by every fake env, so two "tabs" never make the same id.
let counter = 0;

/** An Env whose network, clock and ids are scripted by the test; its clock stays at 2026-11-23T10:00:00Z. */
export function fakeEnv(overrides: Partial<Env> = {}) {
  const requests: { url: string; body: unknown; via: 'fetch' | 'beacon' }[] = [];
  const pageHide: (() => void)[] = [];
  const onlineListeners: (() => void)[] = [];
  let online = true;
  let leavingNow = false;
  const env: Env = {
    fetch: vi.fn((url: string, init: RequestInit) => {
      requests.push({ url, body: JSON.parse(init.body as string), via: 'fetch' });
      return Promise.resolve(answer(200));
    }),
    sendBeacon: vi.fn((url: string, body: string) => {
      requests.push({ url, body: JSON.parse(body), via: 'beacon' });
      return true;
    }),
    uuid: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
    now: () => Date.parse('2026-11-23T10:00:00.000Z'),
    baseUrl: () => 'https://shop.example/cart',
    page: () => ({ url: 'https://shop.example/cart', path: '/cart', referrer: '', title: 'Cart' }),
    gpc: false,
    console: { error: vi.fn(), warn: vi.fn(), debug: vi.fn() },
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    onPageHide: (listener) => void pageHide.push(listener),
    random: () => 0.5,
    isOnline: () => online,
    onOnline: (listener) => void onlineListeners.push(listener),
    openStore: () => undefined,
    localStore: memoryLocalStore(),
    // The audience rules as a container has them inline; no page to personalize.
    loadAudiences: () => Promise.resolve(audienceParts()),
    // As in a browser: from pagehide until the next task.
    leaving: () => leavingNow,
    ...overrides,
  };
  // As browserEnv does: no transaction begins while the page is leaving.
  const { leaving, openStore } = env;
  if (leaving && openStore) {
    env.openStore = (database, name) => {
      const store = openStore(database, name);
      return store && heldWhileLeaving(store, leaving, env.setTimeout);
    };
  }
  /** The page is hidden (visibilitychange): the queue is handed over, the page may come back. */
  const hidePage = () => pageHide.forEach((listener) => listener());
  /** pagehide: the page is being left, and until its next task no IndexedDB transaction begins. */
  const leavePage = () => {
    leavingNow = true;
    env.setTimeout(() => (leavingNow = false), 0);
    hidePage();
  };
  const setOnline = (value: boolean) => {
    online = value;
    if (value) onlineListeners.forEach((listener) => listener());
  };
  /** Every event that reached the network, in order. */
  const sent = () => requests.flatMap((r) => (r.body as { batch: Record<string, unknown>[] }).batch);
  return { env, requests, sent, hidePage, leavePage, setOnline };
}

/** fakeEnv with `now: () => Date.now()`: its clock follows vi.useFakeTimers (and the real one without). */
export const timedEnv = (overrides: Partial<Env> = {}) => fakeEnv({ now: () => Date.now(), ...overrides });

/** Tabs of one site, sharing IndexedDB (`dbs`), Web Locks (`locks`) and localStorage (`local`); `shared` goes to every tab. */
export function fakeSite(shared: Partial<Env> = {}) {
  const dbs = memoryDatabases();
  const locks = fakeLocks();
  const local = memoryLocalStore();
  /** A tab: timedEnv on the site's stores and locks (`overrides` win; a `locks` of its own must grant through the site's). */
  const openTab = (overrides: Partial<Env> = {}) => {
    const via = overrides.locks ?? shared.locks ?? locks;
    const holding = new Set<string>();
    const tabLocks: LocksLike = {
      request: (name, callback) =>
        via.request(name, async () => {
          holding.add(name);
          try {
            return await callback();
          } finally {
            holding.delete(name);
          }
        }),
      query: () => via.query(),
    };
    const tab = timedEnv({ openStore: dbs.open, localStore: local, ...shared, ...overrides, locks: tabLocks });
    /** The tab's Web Locks end (its `acquaint-tab:` lock, and any it holds now), as when the browser drops the tab. */
    const releaseLocks = () => {
      for (const name of holding) locks.release(name);
      holding.clear();
    };
    return { ...tab, releaseLocks };
  };
  return { dbs, locks, local, openTab };
}
