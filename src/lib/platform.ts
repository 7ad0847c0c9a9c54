import type { ConsoleLike } from './log';

/** The platform pieces adapters may use, injected so they run anywhere. */
export interface AdapterEnv {
  fetch(url: string, init: RequestInit): Promise<{ ok: boolean; status: number; headers: { get(name: string): string | null } }>;
  sendBeacon?(url: string, body: string): boolean;
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** The page's URL, to resolve relative endpoints against. */
  baseUrl(): string;
  /**
   * Adds a vendor `<script>`: https or same-origin only, with the optional SRI `integrity` and
   * the CSP nonce of acquaint's own tag. Resolves on load, rejects on an error or an SRI mismatch.
   */
  loadScript?(src: string, options?: { integrity?: string; crossorigin?: string }): Promise<void>;
  /** Reads a page global (a vendor's function) by name. */
  global?(name: string): unknown;
  /** Sets a page global (a vendor's command queue) unless one is there; returns what is there. */
  defineGlobal?(name: string, value: unknown): unknown;
  /** SHA-256 as hex, where SubtleCrypto exists. */
  sha256?(text: string): Promise<string>;
}

/**
 * What acquaint needs from the browser, injected so every module runs in tests. The lowest
 * layer: the boxes import these types from here, and only env.ts (above them all) implements them.
 */
export interface Platform extends AdapterEnv {
  /** A fresh v4 UUID. */
  uuid(): string;
  /** `navigator.globalPrivacyControl === true`. */
  gpc: boolean;
  console: ConsoleLike;
  /** Uniform in [0, 1), for retry jitter. */
  random(): number;
  /** Called when the page is hidden or unloads: the last moment to hand events over. */
  onPageHide(listener: () => void): void;
  /** True from the page's pagehide until its next task; `openStore`'s stores begin no transaction then (storage/held-store.ts). */
  leaving?(): boolean;
  isOnline(): boolean;
  onOnline(listener: () => void): void;
  /** A key-value store in IndexedDB (storage/idb-store.ts), or undefined where there is none. Opening it creates the database. */
  openStore?(database: string, store: string): KeyValueStore | undefined;
  /** The Web Locks API, where the browser has it. */
  locks?: LocksLike;
  /** The region the page names (`data-region` on the script tag), upper-cased. */
  region?: string;
  /** Synchronous storage (localStorage) for what must survive an unload; undefined where it throws. */
  localStore?: SyncStore;
  /** Sets `data-acquaint-audiences` on `<html>` to the members, space-separated (for the site's CSS); none: removes it. */
  showAudiences?(members: readonly string[]): void;
  /** Called when another tab changes a localStorage key (the `storage` event). */
  onStorageChange?(listener: (key: string | null, value: string | null) => void): void;
  /** The page's IAB TCF v2 CMP API, if one is there now (a CMP may install it after acquaint). */
  tcfapi?(): TcfApi | undefined;
  /** The page's IAB GPP CMP API (`__gpp`), if one is there now (a CMP may install it after acquaint). */
  gppapi?(): GppApi | undefined;
  /** Called once the page has loaded (the window `load` event), at once if it has. */
  onLoad?(listener: () => void): void;
  /** Loads dist/acquaint-<type>.js, a built-in destination type that registers itself. */
  loadAdapter?(type: string): Promise<void>;
  /** Called after `history.pushState` and on `popstate` (single-page apps). */
  onNavigate?(listener: () => void): void;
  /** Debug mode from the page: `?acquaint_debug=1` in its URL or `data-debug` on the tag. */
  debug?: boolean;
  /** The CSP nonce of acquaint's script tag, passed on to what it adds. */
  nonce?: string;
  /** SHA-256 as hex, where SubtleCrypto exists (secure contexts). */
  sha256?(text: string): Promise<string>;
  /** A BroadcastChannel to the other tabs of this site, where the browser has one. */
  channel?(name: string): { post(message: unknown): void; listen(listener: (message: unknown) => void): void };
}

export interface SyncStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
  keys(): string[];
}

export type TcfApi = (command: string, version: number, callback: (data: unknown, success: boolean) => void, parameter?: unknown) => void;

export type GppApi = (command: string, callback: (data: unknown, success: boolean) => void, parameter?: unknown) => void;

export interface KeyValueStore {
  entries(): Promise<[IDBValidKey, unknown][]>;
  setMany(entries: [IDBValidKey, unknown][]): Promise<void>;
  delMany(keys: IDBValidKey[]): Promise<void>;
}

export interface LocksLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
  query(): Promise<{ held?: { name?: string }[]; pending?: { name?: string }[] }>;
}
