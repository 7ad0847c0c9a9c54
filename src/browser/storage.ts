import type { SyncStore } from '../lib/platform';

// localStorage throws where storage is blocked (Safari private mode of old, sandboxed frames,
// "block all cookies"): every call is guarded, and a failure reads as "nothing stored".
export function localStore(): SyncStore | undefined {
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

/** A BroadcastChannel to the site's other tabs. */
export function broadcast(name: string) {
  const channel = new BroadcastChannel(name);
  return {
    post: (message: unknown) => channel.postMessage(message),
    listen: (listener: (message: unknown) => void) => channel.addEventListener('message', (event) => listener(event.data)),
  };
}

/** SHA-256 as hex, by SubtleCrypto (secure contexts only). */
export async function sha256(text: string): Promise<string> {
  const digest = await window.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
