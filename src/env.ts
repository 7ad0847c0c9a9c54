import { loadAnnounced, vendorSupport } from './browser/scripts';
import { onLoad, onNavigate, onPageHide, pageFunction, pageReader, showAudiences, watchLeaving } from './browser/page';
import { broadcast, localStore, sha256 } from './browser/storage';
import * as features from './config/build-features';
import type { BuildEnv } from './events/build';
import type { GppApi, Platform, TcfApi } from './lib/platform';
import { heldWhileLeaving } from './storage/held-store';
import { idbStore } from './storage/idb-store';
import { uuidFrom } from './lib/uuid';
import { BANNER_EVENT, type OpenBanner } from './consent-ui/types';
import { TRIGGERS_EVENT, type LoadedTriggers } from './triggers/announce';
import type { TraceFactory } from './events/debug-mode';
import { DEBUG_EVENT } from './events/trace';
import { AUDIENCES_EVENT, type LoadedAudiences } from './personalize/announce';
import { audienceParts } from './personalize/parts';
import { PROOF_EVENT, type LoadedProof } from './proof/announce';
import { proofParts } from './proof/parts';

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
  /** Consent receipts and forget at the relay: in this file, or acquaint-proof.js beside it. */
  loadProof?(): Promise<LoadedProof>;
}

/**
 * The browser's Env: this file, src/browser/ and install.ts are the only ones that read browser
 * globals; everything else gets them through this object.
 */
export function browserEnv(script?: HTMLScriptElement | null): Env {
  const { location, navigator } = window;
  const nonce = script?.nonce || undefined;
  const region = script?.getAttribute('data-region')?.trim().toUpperCase() || undefined;
  const beacon = typeof navigator.sendBeacon === 'function' ? navigator.sendBeacon.bind(navigator) : undefined;
  // The files acquaint loads sit beside its own.
  const beside = (file: string): string => new URL(file, script?.src || location.href).href;
  // First: its pagehide listener must run before any other.
  const leaving = watchLeaving();
  return {
    fetch: (url, init) => window.fetch(url, init),
    // A string body goes as text/plain;charset=UTF-8: no CORS preflight.
    sendBeacon: beacon && ((url, body) => beacon(url, body)),
    uuid: uuidFrom(window.crypto),
    now: () => Date.now(),
    baseUrl: () => location.href,
    page: pageReader(),
    gpc: (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true,
    console: window.console,
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
    random: () => Math.random(),
    isOnline: () => navigator.onLine !== false,
    onOnline: (listener) => window.addEventListener('online', listener),
    openStore: (database, name) =>
      typeof indexedDB === 'undefined' || !indexedDB
        ? undefined
        : heldWhileLeaving(idbStore(indexedDB, database, name), leaving, window.setTimeout.bind(window)),
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
    ...(features.proof
      ? {
          loadProof: features.inlineProof
            ? () => Promise.resolve(proofParts(window.crypto?.subtle ? sha256 : undefined))
            : () => loadAnnounced<LoadedProof>(beside('acquaint-proof.js'), PROOF_EVENT, nonce),
        }
      : {}),
    ...(features.banner
      ? { loadBanner: (src?: string) => loadAnnounced<OpenBanner>(beside(src ?? 'consent-ui.js'), BANNER_EVENT, nonce) }
      : {}),
    ...(features.triggers && !features.inlineTriggers
      ? { loadTriggers: () => loadAnnounced<LoadedTriggers>(beside('acquaint-triggers.js'), TRIGGERS_EVENT, nonce) }
      : {}),
    ...(features.debugTrace ? {} : { loadDebug: () => loadAnnounced<TraceFactory>(beside('acquaint-debug.js'), DEBUG_EVENT, nonce) }),
    ...(features.lateTypes ? vendorSupport(beside, nonce) : {}),
    onNavigate,
    leaving,
    onPageHide,
  };
}
