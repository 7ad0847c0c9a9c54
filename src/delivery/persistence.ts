import type { KeyValueStore, Platform } from '../lib/platform';
import { createDurableStore } from '../storage/durable-store';
import { createQueueNotes } from './queue-notes';
import { isQueueRecord, recordKey, type QueueRecord } from './record';

// Its own database, apart from identity's and from any the site keeps (STYLE §3.4).
export const QUEUE_DATABASE = 'acquaint-queue';
const TAB_LOCK = 'acquaint-tab:';
const ADOPT_LOCK = 'acquaint-adopt';
const COMMIT_SIZE = 50;

export type Orphan = 'adopt' | 'drop' | 'leave';

// Marks on a record itself, in symbol keys that neither structured clone nor JSON copies: WeakSets
// of a burst's records kept their tables' size after it, about 25 bytes a record.
const STORED = Symbol();
const GONE = Symbol();
type Marked = QueueRecord & { [STORED]?: true; [GONE]?: true };

export interface Persistence {
  readonly enabled: boolean;
  /**
   * Opens IndexedDB (only once storage is allowed), stores `mine()`, and goes through the
   * records left by tabs that are gone: `decide` says which to adopt and which to drop.
   */
  enable(
    mine: () => readonly QueueRecord[],
    decide: (record: QueueRecord) => Orphan,
  ): Promise<{ adopted: QueueRecord[]; dropped: QueueRecord[] }>;
  write(records: readonly QueueRecord[]): void;
  remove(records: readonly QueueRecord[]): void;
  /** The page is going: keep these for the next page in a store that commits synchronously. */
  rescue(records: readonly QueueRecord[]): void;
  /** What the queue database holds now (none while storage is not allowed). */
  entries(): Promise<[IDBValidKey, unknown][]>;
  /** sendBeacon took these: the next page deletes them instead of sending them again. */
  handedOver(records: readonly QueueRecord[]): void;
  /** Erasure: every stored record goes. */
  clear(): Promise<void>;
}

/**
 * The IndexedDB copy of every destination's queue (the protocol: storage/durable-store.ts). Any
 * failure (no IndexedDB, private mode, quota) turns it off with one debug line: the queues go on
 * in memory and the page never sees it.
 */
export function createPersistence(env: Platform, tabId: string, debug: (message: string) => void): Persistence {
  const durable = createDurableStore(env, [QUEUE_DATABASE, 'records', 'queues stay'], debug);
  const notes = createQueueNotes(env.localStore, tabId);
  let enabling: ReturnType<Persistence['enable']> | undefined;

  // Changes made in one task go to IndexedDB together (a push loop is one transaction, or a
  // few: at most COMMIT_SIZE records per task; each put or delete costs the main thread about
  // 0.1-0.2 ms on 2 cores, so 50 leaves room for a batch send in the same task, where 100 gave
  // 50-57 ms tasks after a burst of 10,000). A record delivered before its write is due is never
  // written, nor deleted; a record once removed is never written again. Plain arrays: a Map
  // keyed per record cost the hot path 5 µs a track in a 10,000 burst (keyed by string) or more
  // (by object).
  let puts: Marked[] = [];
  let deletes: Marked[] = [];
  let committing = false;
  const schedule = (): void => {
    if (!committing) {
      committing = true;
      void Promise.resolve().then(commit);
    }
  };
  // Deletes first: they are of delivered records, and free what IndexedDB holds of them.
  function commit(): void {
    const deleting = deletes
      .splice(0, COMMIT_SIZE)
      .filter((record) => record[STORED])
      .map(recordKey);
    const putting: [IDBValidKey, unknown][] = [];
    let next = 0;
    for (; next < puts.length && deleting.length + putting.length < COMMIT_SIZE; next++) {
      const record = puts[next]!;
      if (record[GONE]) continue;
      record[STORED] = true;
      putting.push([recordKey(record), record]);
    }
    puts = puts.slice(next);
    if (deleting.length) durable.current?.delMany(deleting).catch(fail);
    if (putting.length) durable.current?.setMany(putting).catch(fail);
    if (puts.length || deletes.length) env.setTimeout(commit, 0);
    else committing = false;
  }
  const forgetChanges = (): void => {
    puts = [];
    deletes = [];
  };

  const fail = (error: unknown): void => {
    durable.fail(error);
    forgetChanges();
  };

  // The records of tabs that are gone (not this one's, not a live tab's), as `decide` says:
  // adopted (now this tab's), dropped, or left for later.
  function sortOut(records: readonly QueueRecord[], alive: Set<string>, decide: (record: QueueRecord) => Orphan) {
    const adopted: QueueRecord[] = [];
    const dropped: QueueRecord[] = [];
    let left = 0;
    for (const record of records) {
      if (record.owner === tabId || alive.has(record.owner)) continue;
      const verdict = decide(record);
      if (verdict === 'adopt') adopted.push({ ...record, owner: tabId });
      else if (verdict === 'drop') dropped.push(record);
      else left++;
    }
    return { adopted, dropped, left };
  }

  async function claimOrphans(store: KeyValueStore, live: () => boolean, decide: (record: QueueRecord) => Orphan) {
    const entries = new Map<IDBValidKey, unknown>(await store.entries());
    if (!live()) return { adopted: [], dropped: [] }; // the notes went on without this read
    // Asked after the read: a tab that opened during it may have written records, and its lock
    // was granted before it wrote them (enable), so it is in this answer.
    const alive = await liveTabs();
    const { rescued, handedOver, done } = notes.fromGoneTabs(alive);
    for (const record of rescued) if (!entries.has(recordKey(record))) entries.set(recordKey(record), record);
    const junk: IDBValidKey[] = [];
    const records: QueueRecord[] = [];
    for (const [key, value] of entries) {
      if (!isQueueRecord(value) || (typeof key === 'string' && handedOver.has(key))) junk.push(key);
      else records.push(value);
    }
    const { adopted, dropped } = sortOut(records, alive, decide);
    await store.delMany([...junk, ...dropped.map(recordKey)]);
    await store.setMany(adopted.map((r) => [recordKey(r), r]));
    for (const record of adopted as Marked[]) record[STORED] = true;
    done();
    return { adopted, dropped };
  }

  // Without IndexedDB (it failed, or waits behind a transaction WebKit froze in a page of the
  // back/forward cache): what gone tabs rescued to localStorage is still theirs to hand on.
  // Taken into this tab's memory, whose own unload rescues again whatever it does not send.
  async function fromNotes(decide: (record: QueueRecord) => Orphan) {
    const alive = await liveTabs().catch(() => new Set<string>());
    const { rescued, handedOver, done } = notes.fromGoneTabs(alive);
    const { adopted, dropped, left } = sortOut(
      rescued.filter((r) => !handedOver.has(recordKey(r))),
      alive,
      decide,
    );
    // A record left for later (its consent still pending) keeps the notes for a later page:
    // what is adopted here may then be sent twice, never lost.
    if (!left) done();
    return { adopted, dropped };
  }

  // Web Locks tell which tabs still live. Without them (old browsers) every record not ours
  // is adopted: a duplicate is possible then, a loss is not. A tab lock still being granted
  // counts too: a tab opened at the same moment may have written its records already.
  async function liveTabs(): Promise<Set<string>> {
    if (!env.locks) return new Set();
    const { held = [], pending = [] } = await env.locks.query();
    return new Set(
      [...held, ...pending]
        .map((lock) => lock.name ?? '')
        .filter((name) => name.startsWith(TAB_LOCK))
        .map((name) => name.slice(TAB_LOCK.length)),
    );
  }

  // Held for the tab's life: its records are its own while it lives. Granted before this tab
  // writes any: Web Locks and IndexedDB are separate channels, and a tab that reads these
  // records must then see this one alive, or it sends them too. Asked once: a second request
  // (storage allowed again after an erasure) would wait behind the first for ever.
  let tabLocked: Promise<void> | undefined;
  const tabLock = (): Promise<void> =>
    (tabLocked ??= new Promise<void>((granted) => {
      void env.locks?.request(TAB_LOCK + tabId, () => {
        granted();
        return new Promise<never>(() => undefined);
      });
      if (!env.locks) granted();
    }));

  return {
    get enabled() {
      return durable.current !== undefined;
    },
    enable(mine, decide) {
      return (enabling ??= durable
        .open(async (store, live) => {
          const records = mine() as Marked[];
          for (const record of records) record[STORED] = true;
          if (records.length) await store.setMany(records.map((r) => [recordKey(r), r]));
          const claim = () => claimOrphans(store, live, decide);
          return env.locks ? env.locks.request(ADOPT_LOCK, claim) : claim();
        }, tabLock)
        .then((claimed) => claimed ?? fromNotes(decide)));
    },
    write(records) {
      if (!durable.current) return;
      for (const record of records) puts.push(record);
      schedule();
    },
    remove(records) {
      if (!durable.current) return;
      for (const record of records as Marked[]) {
        record[GONE] = true;
        deletes.push(record);
      }
      schedule();
    },
    clear() {
      forgetChanges();
      enabling = undefined;
      // Nothing more is written until storage is allowed again.
      return durable.clear();
    },
    rescue(records) {
      if (durable.current) notes.rescue(records);
    },
    entries: durable.entries,
    handedOver(records) {
      if (!durable.current || !records.length) return;
      notes.handedOver(records);
      for (const record of records as Marked[]) record[GONE] = true;
      // On a later task, always: a hide may also be a visibilitychange that WebKit fires after
      // pagehide's task, and a transaction begun there is frozen with the page (storage/held-store.ts).
      // The note above tells the next page; a page that lives on deletes them.
      const keys = records.map(recordKey);
      env.setTimeout(() => void durable.current?.delMany(keys).catch(fail), 0);
    },
  };
}
