import type { KeyValueStore, Platform } from '../lib/platform';
import { within } from '../lib/timeout';
import { isQueueRecord, recordKey, type QueueRecord } from './record';
import { createUnloadNotes } from './unload-notes';

// Its own database: idb-keyval gives each createStore one database, and the default
// `keyval-store` may be the site's own (STYLE §3.4).
export const QUEUE_DATABASE = 'acquaint-queue';
const TAB_LOCK = 'acquaint-tab:';
const ADOPT_LOCK = 'acquaint-adopt';
const COMMIT_SIZE = 50;

export type Orphan = 'adopt' | 'drop' | 'leave';

export interface Persistence {
  readonly enabled: boolean;
  /**
   * Opens IndexedDB (only once storage is allowed), stores `mine`, and goes through the
   * records left by tabs that are gone: `decide` says which to adopt and which to drop.
   */
  enable(mine: readonly QueueRecord[], decide: (record: QueueRecord) => Orphan): Promise<{ adopted: QueueRecord[]; dropped: QueueRecord[] }>;
  write(records: readonly QueueRecord[]): void;
  remove(records: readonly QueueRecord[]): void;
  /** The page is going: keep these for the next page in a store that commits synchronously. */
  rescue(records: readonly QueueRecord[]): void;
  /** sendBeacon took these: the next page deletes them instead of sending them again. */
  handedOver(records: readonly QueueRecord[]): void;
  /** Erasure: every stored record goes. */
  clear(): Promise<void>;
}

/**
 * The IndexedDB copy of every destination's queue. Any failure (no IndexedDB, private mode,
 * quota) turns it off with one debug line: the queues go on in memory and the page never sees it.
 */
export function createPersistence(env: Platform, tabId: string, debug: (message: string) => void): Persistence {
  let store: KeyValueStore | undefined;
  const notes = createUnloadNotes(env.localStore, tabId);
  let enabling: Promise<{ adopted: QueueRecord[]; dropped: QueueRecord[] }> | undefined;

  // Changes made in one task go to IndexedDB together (a push loop is one transaction, or a
  // few: at most COMMIT_SIZE records per task; each put or delete costs the main thread about
  // 0.1-0.2 ms on 2 cores, so 50 leaves room for a batch send in the same task, where 100 gave
  // 50-57 ms tasks after a burst of 10,000), and
  // a record delivered before its write lands is never written at all.
  let changes = new Map<string, QueueRecord | null>();
  let committing = false;
  const change = (record: QueueRecord, value: QueueRecord | null): void => {
    if (!store) return;
    if (!committing) {
      committing = true;
      void Promise.resolve().then(commit);
    }
    changes.set(recordKey(record), value);
  };
  function commit(): void {
    const puts: [IDBValidKey, unknown][] = [];
    const deletes: IDBValidKey[] = [];
    for (const [key, value] of changes) {
      if (puts.length + deletes.length >= COMMIT_SIZE) break;
      changes.delete(key);
      if (value) puts.push([key, value]);
      else deletes.push(key);
    }
    if (puts.length) store?.setMany(puts).catch(fail);
    if (deletes.length) store?.delMany(deletes).catch(fail);
    if (changes.size) env.setTimeout(commit, 0);
    else committing = false;
  }

  const fail = (error: unknown): void => {
    if (!store) return;
    store = undefined;
    changes = new Map();
    debug(`IndexedDB unavailable, queues stay in memory: ${String(error)}`);
  };

  let abandoned = false;
  async function claimOrphans(decide: (record: QueueRecord) => Orphan) {
    const alive = await liveTabs();
    const { rescued, handedOver, done } = notes.fromGoneTabs(alive);
    const entries = new Map<IDBValidKey, unknown>(await store!.entries());
    if (abandoned) return { adopted: [], dropped: [] }; // the notes went on without this read
    for (const record of rescued) if (!entries.has(recordKey(record))) entries.set(recordKey(record), record);
    const adopted: QueueRecord[] = [];
    const dropped: QueueRecord[] = [];
    const junk: IDBValidKey[] = [];
    for (const [key, value] of entries) {
      if (!isQueueRecord(value) || (typeof key === 'string' && handedOver.has(key))) junk.push(key);
      else if (value.owner === tabId || alive.has(value.owner)) continue;
      else if (decide(value) === 'adopt') adopted.push({ ...value, owner: tabId });
      else if (decide(value) === 'drop') dropped.push(value);
    }
    await store!.delMany([...junk, ...dropped.map(recordKey)]);
    await store!.setMany(adopted.map((r) => [recordKey(r), r]));
    done();
    return { adopted, dropped };
  }

  // Without IndexedDB (it failed, or waits behind a transaction WebKit froze in a page of the
  // back/forward cache): what gone tabs rescued to localStorage is still theirs to hand on.
  // Taken into this tab's memory, whose own unload rescues again whatever it does not send.
  async function fromNotes(decide: (record: QueueRecord) => Orphan) {
    const alive = await liveTabs().catch(() => new Set<string>());
    const { rescued, handedOver, done } = notes.fromGoneTabs(alive);
    const gone = rescued.filter((r) => r.owner !== tabId && !alive.has(r.owner) && !handedOver.has(recordKey(r)));
    const adopted = gone.filter((r) => decide(r) === 'adopt').map((r) => ({ ...r, owner: tabId }));
    const dropped = gone.filter((r) => decide(r) === 'drop');
    // A record left for later (its consent still pending) keeps the notes for a later page:
    // what is adopted here may then be sent twice, never lost.
    if (adopted.length + dropped.length === gone.length) done();
    return { adopted, dropped };
  }

  // Web Locks tell which tabs still live. Without them (old browsers) every record not ours
  // is adopted: a duplicate is possible then, a loss is not. A tab lock still being granted
  // counts too: a tab opened at the same moment may have written its records already.
  async function liveTabs(): Promise<Set<string>> {
    if (!env.locks) return new Set();
    const { held = [], pending = [] } = await env.locks.query();
    return new Set([...held, ...pending].map((lock) => lock.name ?? '').filter((name) => name.startsWith(TAB_LOCK)).map((name) => name.slice(TAB_LOCK.length)));
  }

  return {
    get enabled() {
      return store !== undefined;
    },
    enable(mine, decide) {
      enabling ??= (async () => {
        try {
          store = env.openStore?.(QUEUE_DATABASE, 'records');
          if (!store) throw new Error('IndexedDB is not available');
          if (env.locks) {
            // Held for the tab's life: its records are its own while it lives.
            void env.locks.request(TAB_LOCK + tabId, () => new Promise<never>(() => undefined));
          }
          const opened = store;
          const claim = () => claimOrphans(decide);
          const claiming = (async () => {
            if (mine.length) await opened.setMany(mine.map((r) => [recordKey(r), r]));
            return env.locks ? env.locks.request(ADOPT_LOCK, claim) : claim();
          })();
          return await within(env, claiming);
        } catch (error) {
          abandoned = true;
          store = undefined;
          debug(`IndexedDB unavailable, queues stay in memory: ${String(error)}`);
          return fromNotes(decide);
        }
      })();
      return enabling;
    },
    write(records) {
      for (const record of records) change(record, record);
    },
    remove(records) {
      for (const record of records) change(record, null);
    },
    async clear() {
      changes = new Map();
      const cleared = store;
      // Nothing more is written until storage is allowed again.
      store = undefined;
      enabling = undefined;
      if (!cleared) return;
      const keys = (await cleared.entries().catch(() => [])).map(([key]) => key);
      await cleared.delMany(keys).catch(() => undefined);
    },
    rescue(records) {
      if (store) notes.rescue(records);
    },
    handedOver(records) {
      if (!store || !records.length) return;
      notes.handedOver(records);
      for (const record of records) changes.delete(recordKey(record));
      // Not in this task, which is pagehide: WebKit freezes a transaction begun there with the
      // page in the back/forward cache, and it blocks every later one on this database, in
      // every tab of the site (idb-keyval#180). The note above tells the next page; a page that
      // lives on (hidden, or restored from the cache) deletes them on its next task.
      const keys = records.map(recordKey);
      env.setTimeout(() => void store?.delMany(keys).catch(fail), 0);
    },
  };
}
