import type { Platform } from '../lib/platform';
import { createDurableStore } from '../storage/durable-store';
import type { Identity } from './identity';
import { readProfile, type Profile } from './profile';
import type { syncServerId } from './server-id';
import type { UnsavedNotes } from './unsaved-notes';

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
 * Keeps the profile in IndexedDB once storage is allowed, and in step across tabs (the protocol:
 * storage/durable-store.ts). Reading and first writing happen under one Web Lock, so two tabs
 * opened at once on a new visitor end up with one anonymousId; identify and reset reach the other
 * tabs by BroadcastChannel. Any storage failure leaves identity in memory with one debug line.
 */
export function createIdentityStore(
  env: Platform,
  identity: Identity,
  debug: (message: string) => void,
  /** Only where a page's last change matters to the next one: audience history, cap counts, delivery counts. */
  notes?: UnsavedNotes,
  /** Only where the config names `identity.serverIdUrl`. */
  serverId?: typeof syncServerId,
) {
  const durable = createDurableStore(env, [IDENTITY_DATABASE, 'profile', 'identity stays', LOCK], debug);
  let enabling: Promise<void> | undefined;
  let savedAt = 0;
  let stored = new Map<IDBValidKey, unknown>();
  const pending = new Map<ProfileExtra, unknown>();
  const channel = env.channel?.('acquaint-identity');

  function write(key: string, value: unknown): void {
    const store = durable.current;
    if (!store) return;
    const committed = notes?.writing(key, value);
    // Asked for in pagehide, after the note was left: the store holds the write for a task the
    // page may never run (storage/held-store.ts), so the note must say it.
    if (env.leaving?.()) notes?.leave(true);
    store.setMany([[key, value]]).then(committed, durable.fail);
  }

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
      return durable.current !== undefined;
    },
    /** Storage is allowed: adopt what is stored (unless expired), then store ours. */
    enable(serverIdUrl?: string): Promise<void> {
      if (enabling) return enabling;
      let decided!: () => void;
      enabling = new Promise<void>((resolve) => (decided = resolve));
      void durable
        .open(async (store, live) => {
          const entries = await store.entries();
          if (!live()) return;
          stored = new Map(entries);
          // What pages that went had not seen written: before the profile is read.
          const rescued = notes?.take(stored, KEYS) ?? [];
          const profile = readProfile(stored.get(KEY));
          if (profile) identity.adopt(profile, 'storage');
          if (serverId && serverIdUrl) {
            // Nothing stored (a first visit, or Safari wiped it): the server's cookie may know the
            // visitor, so wait for it. Otherwise just keep the cookie fresh, in the background.
            const sync = serverId(env, serverIdUrl, identity.get().anonymousId);
            const echoed = profile ? undefined : await sync;
            if (!live()) return;
            if (echoed) identity.adopt({ ...identity.get(), anonymousId: echoed }, 'storage');
          }
          claimed = true;
          // This tab's identity is settled, so ready() need not wait for the write; the lock is
          // held until the write lands, so the next tab's read sees it (IndexedDB does not order
          // one tab's read after another tab's write on its own).
          decided();
          savedAt = env.now();
          // Taken from notes, then this page's own over them: the profile is the adopted one by now.
          await store.setMany([...rescued, [KEY, { ...identity.get() }], ...pending]);
          pending.clear();
        })
        .then(decided);
      return enabling;
    },
    /** An identity change: saved now and told to the other tabs. */
    changed(profile: Profile): void {
      save(profile);
      channel?.post({ ...profile });
    },
    /** Activity: saved now and then, so the next page continues the session; returns the profile. */
    active(profile: Profile): Profile {
      if (durable.current && env.now() - savedAt > ACTIVITY_SAVE_MS) save(profile);
      return profile;
    },
    /** Erasure: the stored profile goes, and nothing is written until storage is allowed again. */
    clear(): Promise<void> {
      enabling = undefined;
      claimed = false;
      stored = new Map();
      pending.clear();
      // Notes too, this page's and those of pages gone: nothing stays once storage is not allowed.
      notes?.clear();
      return durable.clear(KEYS);
    },
    /** What the identity database holds now (none while storage is not allowed). */
    entries: durable.entries,
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
      durable.current?.delMany([key]).catch(durable.fail);
    },
    /** The page is going (or hidden): what is not known to be written goes to a note for the next page. */
    rescue(): void {
      notes?.leave(durable.current !== undefined);
    },
  };
}

export type IdentityStore = ReturnType<typeof createIdentityStore>;
