import type { AdapterEnv } from './destinations/adapter';
import type { BuildEnv } from './events/build';
import type { ConsoleLike } from './lib/log';
import { uuidFrom } from './lib/uuid';

/** Everything acquaint needs from the platform, injected so every module runs in tests. */
export interface Env extends AdapterEnv, BuildEnv {
  /** `navigator.globalPrivacyControl === true`. */
  gpc: boolean;
  console: ConsoleLike;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Called when the page is hidden or unloads: the last moment to hand events over. */
  onPageHide(listener: () => void): void;
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
    onPageHide(listener) {
      window.addEventListener('pagehide', listener);
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'hidden') listener();
      });
    },
  };
}
