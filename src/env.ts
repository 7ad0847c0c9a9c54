import type { AdapterEnv } from './destinations/adapter';
import type { BuildEnv } from './events/build';
import type { ConsoleLike } from './lib/log';
import { createStore, delMany, entries, setMany } from 'idb-keyval';
import { uuidFrom } from './lib/uuid';

/** Everything acquaint needs from the platform, injected so every module runs in tests. */
export interface Env extends AdapterEnv, BuildEnv {
  /** `navigator.globalPrivacyControl === true`. */
  gpc: boolean;
  console: ConsoleLike;
  /** Uniform in [0, 1), for retry jitter. */
  random(): number;
  /** Called when the page is hidden or unloads: the last moment to hand events over. */
  onPageHide(listener: () => void): void;
  isOnline(): boolean;
  onOnline(listener: () => void): void;
  /** A key-value store in IndexedDB (idb-keyval), or undefined where there is none. Opening it creates the database. */
  openStore?(database: string, store: string): KeyValueStore | undefined;
  /** The Web Locks API, where the browser has it. */
  locks?: LocksLike;
}

export interface KeyValueStore {
  entries(): Promise<[IDBValidKey, unknown][]>;
  setMany(entries: [IDBValidKey, unknown][]): Promise<void>;
  delMany(keys: IDBValidKey[]): Promise<void>;
}

export interface LocksLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

/**
 * The browser's Env. This file and runtime.ts are the only ones that read browser globals;
 * everything else gets them through this object.
 */
export function browserEnv(): Env {
  const { location, document, navigator } = window;
  const beacon = typeof navigator.sendBeacon === 'function' ? navigator.sendBeacon.bind(navigator) : undefined;
  return {
    fetch: (url, init) => window.fetch(url, init),
    // A string body goes as text/plain;charset=UTF-8: no CORS preflight.
    sendBeacon: beacon && ((url, body) => beacon(url, body)),
    uuid: uuidFrom(window.crypto),
    now: () => Date.now(),
    baseUrl: () => location.href,
    page: () => ({ url: location.href, path: location.pathname, referrer: document.referrer, title: document.title }),
    gpc: (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true,
    console: window.console,
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
    random: () => Math.random(),
    isOnline: () => navigator.onLine !== false,
    onOnline: (listener) => window.addEventListener('online', listener),
    openStore(database, name) {
      // A missing indexedDB (some private modes, sandboxed frames) throws synchronously in idb-keyval.
      if (typeof indexedDB === 'undefined' || !indexedDB) return undefined;
      const store = createStore(database, name);
      return {
        entries: () => entries(store),
        setMany: (items) => setMany(items, store),
        delMany: (keys) => delMany(keys, store),
      };
    },
    locks: navigator.locks,
    onPageHide(listener) {
      window.addEventListener('pagehide', listener);
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'hidden') listener();
      });
    },
  };
}
