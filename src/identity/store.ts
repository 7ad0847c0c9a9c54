import * as features from '../config/build-features';
import type { KeyValueStore, Platform } from '../lib/platform';
import { within } from '../lib/timeout';
import type { Identity } from './identity';
import { readProfile, type Profile } from './profile';
import { syncServerId } from './server-id';
import { createUnsavedNotes } from './unsaved-notes';

export const IDENTITY_DATABASE = 'acquaint-identity';
const KEY = 'profile';
/** What else lives with the profile: audience state, frequency-cap counts, the delivery log. */
export type ProfileExtra = 'audiences' | 'caps' | 'deliveries';
const EXTRAS: ProfileExtra[] = ['audiences', 'caps', 'deliveries'];
const KEYS: string[] = [KEY, ...EXTRAS];
const LOCK = 'acquaint-identity';
// Activity alone is saved at most this often; identity changes are saved at once.
const ACTIVITY_SAVE_MS = 10_000;

/**
 * Keeps the profile in IndexedDB once storage is allowed, and in step across tabs. Reading
 * and first writing happen under one Web Lock, so two tabs opened at once on a new visitor
 * end up with one anonymousId; identify and reset reach the other tabs by BroadcastChannel.
 * Any storage failure leaves identity in memory with one debug line.
 */
export function createIdentityStore(env: Platform, identity: Identity, debug: (message: string) => void) {
  let store: KeyValueStore | undefined;
  let enabling: Promise<void> | undefined;
  let savedAt = 0;
  let stored = new Map<IDBValidKey, unknown>();
  const pending = new Map<ProfileExtra, unknown>();
  const channel = env.channel?.('acquaint-identity');
  // Only where a page's last change matters to the next one: audience history, cap counts, delivery counts.
  const notes = features.unsavedNotes && env.localStore ? createUnsavedNotes(env.localStore, env.uuid()) : undefined;

  function write(key: string, value: unknown): void {
    if (!store) return;
    const committed = notes?.writing(key, value);
    // Asked for in pagehide, after the note was left: the store holds the write for a task the
    // page may never run (lib/held-store.ts), so the note must say it.
    if (env.leaving?.()) notes?.leave(true);
    store.setMany([[key, value]]).then(committed, fail);
  }

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
    write(KEY, { ...profile });
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
      if (enabling) return enabling;
      let decided!: () => void;
      enabling = new Promise<void>((resolve) => (decided = resolve));
      void (async () => {
        let abandoned = false;
        try {
          const opened = (store = env.openStore?.(IDENTITY_DATABASE, 'profile'));
          if (!opened) throw new Error('IndexedDB is not available');
          const claim = async () => {
            const entries = await opened.entries();
            if (abandoned) return;
            stored = new Map(entries);
            // What pages that went had not seen written: before the profile is read.
            const rescued = notes?.take(stored, KEYS) ?? [];
            const profile = readProfile(stored.get(KEY));
            if (profile) identity.adopt(profile, 'storage');
            if (features.serverId && serverIdUrl) {
              // Nothing stored (a first visit, or Safari wiped it): the server's cookie may know the
              // visitor, so wait for it. Otherwise just keep the cookie fresh, in the background.
              const sync = syncServerId(env, serverIdUrl, identity.get().anonymousId);
              const echoed = profile ? undefined : await sync;
              if (abandoned) return;
              if (echoed) identity.adopt({ ...identity.get(), anonymousId: echoed }, 'storage');
            }
            claimed = true;
            // This tab's identity is settled, so ready() need not wait for the write; the lock is
            // held until the write lands, so the next tab's read sees it (IndexedDB does not order
            // one tab's read after another tab's write on its own).
            decided();
            savedAt = env.now();
            // Taken from notes, then this page's own over them: the profile is the adopted one by now.
            await opened.setMany([...rescued, [KEY, { ...identity.get() }], ...pending]);
            pending.clear();
          };
          await within(env, env.locks ? env.locks.request(LOCK, claim) : claim());
        } catch (error) {
          abandoned = true;
          store = undefined;
          debug(`IndexedDB unavailable, identity stays in memory: ${String(error)}`);
        }
        decided();
      })();
      return enabling;
    },
    /** An identity change: saved now and told to the other tabs. */
    changed(profile: Profile): void {
      save(profile);
      channel?.post({ ...profile });
    },
    /** Activity: saved now and then, so the next page continues the session; returns the profile. */
    active(profile: Profile): Profile {
      if (store && env.now() - savedAt > ACTIVITY_SAVE_MS) save(profile);
      return profile;
    },
    /** Erasure: the stored profile goes, and nothing is written until storage is allowed again. */
    clear(): Promise<void> {
      const cleared = store;
      store = undefined;
      enabling = undefined;
      claimed = false;
      stored = new Map();
      pending.clear();
      // Notes too, this page's and those of pages gone: nothing stays once storage is not allowed.
      notes?.clear();
      return cleared ? cleared.delMany(KEYS).catch(() => undefined) : Promise.resolve();
    },
    /** What the identity database holds now (none while storage is not allowed). */
    entries: (): Promise<[IDBValidKey, unknown][]> => (store ? store.entries() : Promise.resolve([])),
    /** What was stored under `key` when storage was enabled (untrusted); undefined before. */
    stored: (key: ProfileExtra): unknown => stored.get(key),
    save(key: ProfileExtra, value: unknown): void {
      // Not before the stored state was read (it would read back this page's own counts): kept until then.
      if (claimed) write(key, value);
      else pending.set(key, value);
    },
    remove(key: ProfileExtra): void {
      stored.delete(key);
      pending.delete(key);
      notes?.removed(key);
      store?.delMany([key]).catch(fail);
    },
    /** The page is going (or hidden): what is not known to be written goes to a note for the next page. */
    rescue(): void {
      notes?.leave(store !== undefined);
    },
  };
}

export type IdentityStore = ReturnType<typeof createIdentityStore>;
