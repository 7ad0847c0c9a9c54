import type { Env, KeyValueStore } from '../env';
import type { Identity } from './identity';
import { readProfile, type Profile } from './profile';
import { syncServerId } from './server-id';

export const IDENTITY_DATABASE = 'acquaint-identity';
const KEY = 'profile';
/** What else lives with the profile: audience state, frequency-cap counts. */
export type ProfileExtra = 'audiences' | 'caps';
const EXTRAS: ProfileExtra[] = ['audiences', 'caps'];
const LOCK = 'acquaint-identity';
// Activity alone is saved at most this often; identity changes are saved at once.
const ACTIVITY_SAVE_MS = 10_000;

/**
 * Keeps the profile in IndexedDB once storage is allowed, and in step across tabs. Reading
 * and first writing happen under one Web Lock, so two tabs opened at once on a new visitor
 * end up with one anonymousId; identify and reset reach the other tabs by BroadcastChannel.
 * Any storage failure leaves identity in memory with one debug line.
 */
export function createIdentityStore(env: Env, identity: Identity, debug: (message: string) => void) {
  let store: KeyValueStore | undefined;
  let enabling: Promise<void> | undefined;
  let savedAt = 0;
  let stored = new Map<IDBValidKey, unknown>();
  const pending = new Map<ProfileExtra, unknown>();
  const channel = env.channel?.('acquaint-identity');

  const fail = (error: unknown): void => {
    if (!store) return;
    store = undefined;
    debug(`IndexedDB unavailable, identity stays in memory: ${String(error)}`);
  };

  // Nothing is written until the stored profile has been read under the lock: a write before
  // that could replace another tab's newer identity with this tab's provisional one.
  let claimed = false;
  function save(profile: Profile): void {
    if (!claimed) return;
    savedAt = env.now();
    store?.setMany([[KEY, { ...profile }]]).catch(fail);
  }

  channel?.listen((message) => {
    const profile = readProfile(message);
    if (profile) identity.adopt(profile, 'tab');
  });

  return {
    get enabled(): boolean {
      return store !== undefined;
    },
    /** Storage is allowed: adopt what is stored (unless expired), then store ours. */
    enable(serverIdUrl?: string): Promise<void> {
      enabling ??= (async () => {
        try {
          store = env.openStore?.(IDENTITY_DATABASE, 'profile');
          if (!store) throw new Error('IndexedDB is not available');
          const claim = async () => {
            stored = new Map(await store!.entries());
            const profile = readProfile(stored.get(KEY));
            if (profile) identity.adopt(profile, 'storage');
            if (serverIdUrl) {
              // Nothing stored (a first visit, or Safari wiped it): the server's cookie may know the
              // visitor, so wait for it. Otherwise just keep the cookie fresh, in the background.
              const sync = syncServerId(env, serverIdUrl, identity.get().anonymousId);
              const echoed = profile ? undefined : await sync;
              if (echoed) identity.adopt({ ...identity.get(), anonymousId: echoed }, 'storage');
            }
            claimed = true;
            save(identity.get());
            if (pending.size) await store!.setMany([...pending]);
            pending.clear();
          };
          await (env.locks ? env.locks.request(LOCK, claim) : claim());
        } catch (error) {
          store = undefined;
          debug(`IndexedDB unavailable, identity stays in memory: ${String(error)}`);
        }
      })();
      return enabling;
    },
    /** An identity change: saved now and told to the other tabs. */
    changed(profile: Profile): void {
      save(profile);
      channel?.post({ ...profile });
    },
    /** Activity: saved now and then, so the next page continues the session. */
    active(profile: Profile): void {
      if (store && env.now() - savedAt > ACTIVITY_SAVE_MS) save(profile);
    },
    /** Erasure: the stored profile goes, and nothing is written until storage is allowed again. */
    clear(): Promise<void> {
      const cleared = store;
      store = undefined;
      enabling = undefined;
      claimed = false;
      stored = new Map();
      pending.clear();
      return cleared ? cleared.delMany([KEY, ...EXTRAS]).catch(() => undefined) : Promise.resolve();
    },
    /** What was stored under `key` when storage was enabled (untrusted); undefined before. */
    stored: (key: ProfileExtra): unknown => stored.get(key),
    save(key: ProfileExtra, value: unknown): void {
      // Not before the stored state was read (it would read back this page's own counts): kept until then.
      if (claimed) store?.setMany([[key, value]]).catch(fail);
      else pending.set(key, value);
    },
    remove(key: ProfileExtra): void {
      stored.delete(key);
      pending.delete(key);
      store?.delMany([key]).catch(fail);
    },
  };
}

export type IdentityStore = ReturnType<typeof createIdentityStore>;
