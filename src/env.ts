import * as features from './config/build-features';
import type { BuildEnv } from './events/build';
import type { PageContext } from './events/event';
import type { GppApi, Platform, SyncStore, TcfApi } from './lib/platform';
import { heldWhileLeaving } from './lib/held-store';
import { idbStore } from './lib/idb-store';
import { uuidFrom } from './lib/uuid';
import { BANNER_EVENT, type OpenBanner } from './consent-ui/types';
import { TRIGGERS_EVENT, type LoadedTriggers } from './triggers/announce';
import type { TraceFactory } from './events/debug-mode';
import { DEBUG_EVENT } from './events/trace';
import { AUDIENCES_EVENT, type LoadedAudiences } from './personalize/announce';
import { audienceParts } from './personalize/parts';

/** On `<html>`: the visitor's audiences, space-separated, for `[data-acquaint-audiences~="vip"]` in the site's CSS. */
const AUDIENCES_ATTRIBUTE = 'data-acquaint-audiences';

/** Everything acquaint needs from the platform, injected so every module runs in tests. */
export interface Env extends Platform, BuildEnv {
  /** Loads dist/consent-ui.js and resolves with its open function. */
  loadBanner?(src?: string): Promise<OpenBanner>;
  /** Loads dist/acquaint-triggers.js and resolves with its start function. */
  loadTriggers?(): Promise<LoadedTriggers>;
  /** Loads acquaint-debug.js beside this file: debug mode's trace, for a build without it. */
  loadDebug?(): Promise<TraceFactory>;
  /** The audience rules and `personalize`: in this file, or acquaint-audiences.js beside it. */
  loadAudiences?(): Promise<LoadedAudiences>;
}

/**
 * The browser's Env. This file and install.ts are the only ones that read browser globals;
 * everything else gets them through this object.
 */
export function browserEnv(script?: HTMLScriptElement | null): Env {
  const { location, document, navigator, history } = window;
  const nonce = script?.nonce || undefined;
  const region = script?.getAttribute('data-region')?.trim().toUpperCase() || undefined;
  const beacon = typeof navigator.sendBeacon === 'function' ? navigator.sendBeacon.bind(navigator) : undefined;
  // The files acquaint loads sit beside its own.
  const beside = (file: string): string => new URL(file, script?.src || location.href).href;
  // A burst of events shares its page: one object while nothing changed, and the path read once
  // per URL (each location getter costs 1-2 µs, a good part of a track() in a burst).
  let page: PageContext = { url: '', path: '', referrer: '', title: '' };
  // The pagehide task (see lib/held-store.ts): set before any other pagehide listener runs
  // (capture listeners on the target run first), cleared by the next task, which a page frozen
  // in the back/forward cache runs only if restored.
  let leaving = false;
  window.addEventListener(
    'pagehide',
    () => {
      leaving = true;
      window.setTimeout(() => (leaving = false), 0);
    },
    true,
  );
  return {
    fetch: (url, init) => window.fetch(url, init),
    // A string body goes as text/plain;charset=UTF-8: no CORS preflight.
    sendBeacon: beacon && ((url, body) => beacon(url, body)),
    uuid: uuidFrom(window.crypto),
    now: () => Date.now(),
    baseUrl: () => location.href,
    page: () => {
      const { url, path } = page;
      const now = location.href;
      const referrer = document.referrer;
      const title = document.title;
      if (now !== url || referrer !== page.referrer || title !== page.title) page = { url: now, path: now === url ? path : location.pathname, referrer, title };
      return page;
    },
    gpc: (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true,
    console: window.console,
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
    random: () => Math.random(),
    isOnline: () => navigator.onLine !== false,
    onOnline: (listener) => window.addEventListener('online', listener),
    openStore: (database, name) =>
      typeof indexedDB === 'undefined' || !indexedDB ? undefined : heldWhileLeaving(idbStore(indexedDB, database, name), () => leaving, window.setTimeout.bind(window)),
    locks: navigator.locks,
    localStore: localStore(),
    onStorageChange: (listener) => window.addEventListener('storage', (event) => listener(event.key, event.newValue)),
    ...(region ? { region } : {}),
    ...(script?.hasAttribute('data-debug') || /[?&]acquaint_debug=1(&|$)/.test(location.search) ? { debug: true } : {}),
    ...(nonce ? { nonce } : {}),
    // What only some configs use is left out of a container whose config does not (build-features.ts).
    ...(features.tcf ? { tcfapi: () => pageFunction<TcfApi>('__tcfapi') } : {}),
    ...(features.gpp ? { gppapi: () => pageFunction<GppApi>('__gpp') } : {}),
    ...(features.tcf || features.gpp ? { onLoad } : {}),
    channel: typeof BroadcastChannel === 'function' ? broadcast : undefined,
    ...(features.hashing && window.crypto?.subtle ? { sha256 } : {}),
    ...(features.audiences
      ? {
          showAudiences,
          loadAudiences: features.inlineAudiences
            ? () => Promise.resolve(audienceParts({ document, MutationObserver: window.MutationObserver }))
            : () => loadAnnounced<LoadedAudiences>(beside('acquaint-audiences.js'), AUDIENCES_EVENT, nonce),
        }
      : {}),
    ...(features.banner ? { loadBanner: (src?: string) => loadAnnounced<OpenBanner>(beside(src ?? 'consent-ui.js'), BANNER_EVENT, nonce) } : {}),
    ...(features.triggers && !features.inlineTriggers ? { loadTriggers: () => loadAnnounced<LoadedTriggers>(beside('acquaint-triggers.js'), TRIGGERS_EVENT, nonce) } : {}),
    ...(features.debugTrace ? {} : { loadDebug: () => loadAnnounced<TraceFactory>(beside('acquaint-debug.js'), DEBUG_EVENT, nonce) }),
    ...(features.lateTypes ? vendorSupport(beside, nonce) : {}),
    onNavigate(listener) {
      const push = history.pushState;
      history.pushState = function (this: History, ...args: Parameters<History['pushState']>) {
        push.apply(this, args);
        listener();
      };
      window.addEventListener('popstate', listener);
    },
    leaving: () => leaving,
    onPageHide(listener) {
      window.addEventListener('pagehide', listener);
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'hidden') listener();
      });
    },
  };
}

/** Loading vendor tags: acquaint-<type>.js beside this file, then the vendor's script and globals. */
function vendorSupport(beside: (file: string) => string, nonce: string | undefined): Pick<Env, 'loadAdapter' | 'loadScript' | 'global' | 'defineGlobal'> {
  return {
    loadAdapter: (type) => addScript(beside(`acquaint-${type}.js`), { nonce }),
    loadScript(src, options = {}) {
      const url = new URL(src, location.href);
      if (url.protocol !== 'https:' && url.origin !== location.origin) return Promise.reject(new Error(`refused to load ${src}: only https or same-origin scripts`));
      // SRI on a cross-origin script needs a CORS fetch.
      const crossorigin = options.crossorigin ?? (options.integrity ? 'anonymous' : undefined);
      return addScript(url.href, { nonce, integrity: options.integrity, crossorigin });
    },
    global: (name) => (window as unknown as Record<string, unknown>)[name],
    defineGlobal(name, value) {
      const globals = window as unknown as Record<string, unknown>;
      return (globals[name] ??= value);
    },
  };
}

/** Calls `listener` once the page has loaded (the window `load` event), at once if it has. */
function onLoad(listener: () => void): void {
  if (document.readyState === 'complete') window.setTimeout(listener, 0);
  else window.addEventListener('load', () => listener(), { once: true });
}

/** A function the page (a CMP) put on window, read when needed: it may arrive after acquaint. */
function pageFunction<T>(name: string): T | undefined {
  const value: unknown = Reflect.get(window, name);
  return typeof value === 'function' ? (value as T) : undefined;
}

// localStorage throws where storage is blocked (Safari private mode of old, sandboxed frames,
// "block all cookies"): every call is guarded, and a failure reads as "nothing stored".
function localStore(): SyncStore | undefined {
  let storage: Storage;
  try {
    storage = window.localStorage;
  } catch {
    return undefined;
  }
  const guard = <T>(action: () => T, fallback: T): T => {
    try {
      return action();
    } catch {
      return fallback;
    }
  };
  return {
    get: (key) => guard(() => storage.getItem(key), null),
    set: (key, value) => guard(() => storage.setItem(key, value), undefined),
    remove: (key) => guard(() => storage.removeItem(key), undefined),
    keys: () => guard(() => Object.keys(storage), []),
  };
}

interface TrustedTypesLike {
  createPolicy(name: string, rules: { createScriptURL(url: string): string }): { createScriptURL(url: string): unknown };
}

// Under `require-trusted-types-for 'script'` a plain string src is refused. The policy is
// named "acquaint" (allow it with `trusted-types acquaint`); it passes only the one URL the
// runtime computed from its own script tag and the config.
let policy: { createScriptURL(url: string): unknown } | undefined;
function trustedScriptUrl(src: string): unknown {
  const trustedTypes = (window as Window & { trustedTypes?: TrustedTypesLike }).trustedTypes;
  if (!trustedTypes) return src;
  try {
    policy ??= trustedTypes.createPolicy('acquaint', { createScriptURL: (url) => url });
    return policy.createScriptURL(src);
  } catch {
    return src; // the policy is not allowed: the browser's own error says why
  }
}

interface ScriptOptions {
  nonce?: string | undefined;
  integrity?: string | undefined;
  crossorigin?: string | undefined;
}

/** Adds a script tag (nonce passed on, Trusted Types respected); resolves on load. */
function addScript(src: string, { nonce, integrity, crossorigin }: ScriptOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const tag = document.createElement('script');
    (tag as { src: unknown }).src = trustedScriptUrl(src);
    tag.async = true;
    if (nonce) tag.nonce = nonce;
    if (integrity) tag.integrity = integrity;
    if (crossorigin) tag.crossOrigin = crossorigin;
    tag.onload = () => resolve();
    // The browser does not say why: unreachable, blocked, or (with integrity) a hash mismatch.
    tag.onerror = () => reject(new Error(`could not load ${src}${integrity ? ' (unreachable, blocked, or not matching its integrity)' : ''}`));
    document.head.append(tag);
  });
}

// Files that announce themselves by a DOM event (no global): one load per file.
const announced = new Map<string, Promise<unknown>>();

/** Adds the script once and resolves with what it announces (`detail` of its `eventName`). */
function loadAnnounced<T>(src: string, eventName: string, nonce: string | undefined): Promise<T> {
  let loading = announced.get(eventName) as Promise<T> | undefined;
  if (loading) return loading;
  loading = new Promise<T>((resolve, reject) => {
    const listener = (event: Event) => resolve((event as CustomEvent<T>).detail);
    document.addEventListener(eventName, listener, { once: true });
    addScript(src, { nonce }).catch((error: Error) => {
      document.removeEventListener(eventName, listener);
      announced.delete(eventName); // a later call tries again
      reject(error);
    });
  });
  announced.set(eventName, loading);
  return loading;
}

function broadcast(name: string) {
  const channel = new BroadcastChannel(name);
  return {
    post: (message: unknown) => channel.postMessage(message),
    listen: (listener: (message: unknown) => void) => channel.addEventListener('message', (event) => listener(event.data)),
  };
}

function showAudiences(members: readonly string[]): void {
  const root = document.documentElement;
  if (members.length) root.setAttribute(AUDIENCES_ATTRIBUTE, members.join(' '));
  else root.removeAttribute(AUDIENCES_ATTRIBUTE);
}

async function sha256(text: string): Promise<string> {
  const digest = await window.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
