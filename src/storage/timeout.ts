import type { Platform } from '../lib/platform';

// WebKit freezes a transaction of a page in the back/forward cache and every later one on the
// database waits behind it (a tab stuck in its claim holds the lock, too). Past this, identity
// and queues stay in memory: ready() resolves and events flow rather than wait for ever.
export const STORAGE_TIMEOUT_MS = 5_000;

/** `work`, or a rejection once `ms` passed without it settling (the work itself goes on, unheard). */
export function within<T>(env: Pick<Platform, 'setTimeout' | 'clearTimeout'>, work: Promise<T>, ms = STORAGE_TIMEOUT_MS): Promise<T> {
  let timer: unknown;
  work.catch(() => undefined);
  const timeout = new Promise<never>((_, reject) => {
    timer = env.setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => env.clearTimeout(timer));
}
