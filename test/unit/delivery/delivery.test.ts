import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAcquaint } from '../../../src/acquaint';
import { answer, fakeLocks, fakeSite, memoryDatabases, memoryLocalStore, memoryStore, timedEnv, writesBegun } from '../fake-env';

const config = (delivery: Record<string, unknown> = {}, analytics = 'granted') => ({
  version: 1,
  autoPage: false,
  consent: { defaults: { analytics } },
  delivery: { retryBaseMs: 1000, maxRetryDelayMs: 8000, ...delivery },
  destinations: [{ id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } }],
});

/** A fetch that answers with the given statuses in turn, then 200. */
function scripted(...statuses: (number | [number, Record<string, string>] | 'network')[]) {
  const calls: { at: number; ids: string[] }[] = [];
  const fetch = vi.fn((_url: string, init: RequestInit) => {
    const body = JSON.parse(init.body as string) as { batch: { messageId: string }[] };
    calls.push({ at: Date.now(), ids: body.batch.map((e) => e.messageId) });
    const next = statuses.shift() ?? 200;
    if (next === 'network') return Promise.reject(new TypeError('Failed to fetch'));
    return Promise.resolve(Array.isArray(next) ? answer(...next) : answer(next));
  });
  return { fetch, calls };
}

beforeEach(() => void vi.useFakeTimers({ now: Date.parse('2026-11-23T10:00:00Z') }));
afterEach(() => void vi.useRealTimers());

describe('delivery', () => {
  it('retries 5xx with growing backoff and keeps the messageId', async () => {
    const { fetch, calls } = scripted(503, 503, 502);
    const { env } = timedEnv({ fetch });
    const acquaint = createAcquaint({ config: config(), env });
    const delivered = vi.fn();
    acquaint.on('delivered', delivered);
    acquaint.track('buy');
    await vi.advanceTimersByTimeAsync(1000); // flush interval
    await vi.advanceTimersByTimeAsync(500); //  attempt 1 failed: jittered 0.5 × 1000
    await vi.advanceTimersByTimeAsync(1000); // attempt 2: 0.5 × 2000
    await vi.advanceTimersByTimeAsync(2000); // attempt 3: 0.5 × 4000
    expect(calls.map((c) => c.at - calls[0]!.at)).toEqual([0, 500, 1500, 3500]);
    expect(new Set(calls.map((c) => c.ids[0])).size).toBe(1);
    expect(delivered).toHaveBeenCalledTimes(1);
  });

  it('waits as long as Retry-After asks', async () => {
    const { fetch, calls } = scripted([429, { 'Retry-After': '7' }]);
    const { env } = timedEnv({ fetch });
    const acquaint = createAcquaint({ config: config(), env });
    acquaint.track('buy');
    await acquaint.flush();
    await vi.advanceTimersByTimeAsync(6999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
  });

  it('retries network errors, and an explicit flush ignores the backoff', async () => {
    const { fetch, calls } = scripted('network');
    const { env } = timedEnv({ fetch });
    const acquaint = createAcquaint({ config: config(), env });
    const errors = vi.fn();
    acquaint.on('error', errors);
    acquaint.track('buy');
    await acquaint.flush();
    await acquaint.flush();
    expect(calls).toHaveLength(2);
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ message: 'TypeError: Failed to fetch', retry: true }));
  });

  it('sends nothing while offline and resumes on online', async () => {
    const { fetch, calls } = scripted();
    const { env, setOnline } = timedEnv({ fetch });
    const acquaint = createAcquaint({ config: config(), env });
    await acquaint.ready();
    setOnline(false);
    acquaint.track('buy');
    await vi.advanceTimersByTimeAsync(60_000);
    await acquaint.flush();
    expect(calls).toHaveLength(0);
    setOnline(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
  });

  it('drops the oldest events beyond the queue bound, with a report', async () => {
    const { fetch } = scripted();
    const { env } = timedEnv({ fetch });
    const acquaint = createAcquaint({ config: config({ maxQueueEvents: 3 }), env });
    await acquaint.ready();
    const dropped = vi.fn();
    acquaint.on('dropped', dropped);
    for (const n of [1, 2, 3, 4, 5]) acquaint.track(`e${n}`);
    expect(dropped).toHaveBeenCalledTimes(2);
    expect(dropped).toHaveBeenCalledWith(expect.objectContaining({ reason: 'queue_full' }));
  });

  it('drops events older than maxAgeHours instead of sending them', async () => {
    const { fetch, calls } = scripted([503, { 'Retry-After': '7200' }]);
    const { env } = timedEnv({ fetch });
    const acquaint = createAcquaint({ config: config({ maxAgeHours: 1 }), env });
    const dropped = vi.fn();
    acquaint.on('dropped', dropped);
    acquaint.track('old');
    await acquaint.flush();
    await vi.advanceTimersByTimeAsync(3_600_001);
    await acquaint.flush();
    expect(calls).toHaveLength(1);
    expect(dropped).toHaveBeenCalledWith(expect.objectContaining({ reason: 'expired' }));
  });

  it('sends a backlog in bodies of at most about 200 KB, one per task (fetch copies its body on the main thread)', async () => {
    const bodies: string[] = [];
    const fetch = vi.fn((_url: string, init: RequestInit) => (bodies.push(init.body as string), Promise.resolve(answer(200))));
    const { env } = timedEnv({ fetch });
    const acquaint = createAcquaint({ config: config(), env });
    await acquaint.ready();
    for (let i = 0; i < 450; i++) acquaint.track('e', { i, pad: 'x'.repeat(1000) }); // about 450 KB
    await vi.advanceTimersByTimeAsync(1000); // the flush interval, then the first batch
    expect(bodies).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...bodies.map((b) => b.length))).toBeLessThanOrEqual(201_000);
    expect(bodies.flatMap((b) => (JSON.parse(b) as { batch: unknown[] }).batch)).toHaveLength(450);
  });

  it('hands everything to sendBeacon on page hide', async () => {
    const { env, requests, hidePage } = timedEnv();
    const acquaint = createAcquaint({ config: config(), env });
    await acquaint.ready();
    for (let i = 0; i < 20; i++) acquaint.track('e', { i, pad: 'x'.repeat(5000) });
    hidePage();
    expect(requests.every((r) => r.via === 'beacon')).toBe(true);
    expect(requests.length).toBeGreaterThan(1); // 100 KB does not fit one 60 KB beacon
    expect(requests.flatMap((r) => (r.body as { batch: unknown[] }).batch)).toHaveLength(20);
  });

  it('sends each event once when the page hides again while handing it to sendBeacon', async () => {
    // Firefox may dispatch visibilitychange inside a pagehide listener's sendBeacon call: the
    // second hide must not send what the first is handing over.
    const beacons: string[][] = [];
    let nested = true;
    const sendBeacon = vi.fn((_url: string, body: string) => {
      beacons.push((JSON.parse(body) as { batch: { event: string }[] }).batch.map((e) => e.event));
      if (nested) {
        nested = false;
        hidePage();
      }
      return true;
    });
    const { env, hidePage } = timedEnv({ sendBeacon });
    const acquaint = createAcquaint({ config: config(), env });
    await acquaint.ready();
    acquaint.track('a');
    acquaint.track('b');
    hidePage();
    expect(beacons).toEqual([['a', 'b']]);
    acquaint.track('c');
    hidePage(); // a later hide (back from the bfcache, then gone again) sends what is new
    expect(beacons).toEqual([['a', 'b'], ['c']]);
  });

  it('sends from a hide nested in the first one when the first is torn down before its beacon', async () => {
    // Firefox can dispatch visibilitychange inside pagehide's localStorage write (the rescue
    // note) and then end the page without returning to pagehide: the nested hide must send.
    const local = memoryLocalStore();
    const set = local.set.bind(local);
    let torn = false;
    local.set = (key: string, value: string) => {
      set(key, value);
      if (torn || !key.startsWith('acquaint.rescue.')) return;
      torn = true;
      hidePage();
      throw new Error('page torn down');
    };
    const { env, requests, hidePage } = timedEnv({
      localStore: local,
      openStore: memoryDatabases().open,
      locks: fakeLocks(),
    });
    const acquaint = createAcquaint({ config: config(), env });
    await acquaint.ready();
    await vi.advanceTimersByTimeAsync(10); // the queue store is open: hiding writes a rescue note
    acquaint.track('a');
    acquaint.track('b');
    expect(() => hidePage()).toThrow('page torn down');
    expect(requests.map((r) => (r.body as { batch: { event: string }[] }).batch.map((e) => e.event))).toEqual([['a', 'b']]);
  });

  it('hands the events to sendBeacon before it writes the rescue note, which the page may not outlive', async () => {
    const local = memoryLocalStore();
    const set = local.set.bind(local);
    local.set = (key: string, value: string) => {
      if (key.startsWith('acquaint.rescue.')) throw new Error('page torn down');
      set(key, value);
    };
    const { env, requests, hidePage } = timedEnv({
      localStore: local,
      openStore: memoryDatabases().open,
      locks: fakeLocks(),
    });
    const acquaint = createAcquaint({ config: config(), env });
    await acquaint.ready();
    await vi.advanceTimersByTimeAsync(10);
    acquaint.track('a');
    expect(() => hidePage()).toThrow('page torn down');
    expect(requests.map((r) => r.via)).toEqual(['beacon']);
  });

  it('an event tracked in pagehide after acquaint handed the queue over leaves by beacon at once, with no IndexedDB write begun in that task', async () => {
    // WebKit freezes a transaction begun in pagehide with the page in its back/forward cache,
    // and it blocks the queue database for every later page of the site.
    const { open, begun } = writesBegun(memoryDatabases());
    const { env, requests, leavePage } = timedEnv({
      openStore: open,
      localStore: memoryLocalStore(),
      locks: fakeLocks(),
    });
    const acquaint = createAcquaint({ config: config(), env });
    await acquaint.ready();
    acquaint.track('a');
    await vi.advanceTimersByTimeAsync(10);
    expect(begun).toContain('acquaint-queue');
    begun.length = 0;

    leavePage();
    acquaint.track('left'); // a site's own pagehide listener, after acquaint's
    await Promise.resolve(); // what the pagehide task's microtasks do
    await Promise.resolve();
    expect(requests.map((r) => [r.via, (r.body as { batch: { event: string }[] }).batch.map((e) => e.event)])).toEqual([
      ['beacon', ['a']],
      ['beacon', ['left']],
    ]);
    expect(begun).toEqual([]);
  });

  it('offline, an event tracked in pagehide waits in the rescue note, its IndexedDB write left for a later task', async () => {
    const local = memoryLocalStore();
    const { open, begun } = writesBegun(memoryDatabases());
    const { env, requests, leavePage, setOnline } = timedEnv({
      openStore: open,
      localStore: local,
      locks: fakeLocks(),
    });
    const acquaint = createAcquaint({ config: config(), env });
    await acquaint.ready();
    await vi.advanceTimersByTimeAsync(10);
    setOnline(false);
    begun.length = 0;

    leavePage();
    acquaint.track('left');
    await Promise.resolve();
    await Promise.resolve();
    expect(begun).toEqual([]);
    expect(requests).toEqual([]);
    const rescued = [...local.data.entries()].filter(([key]) => key.startsWith('acquaint.rescue.')).map(([, value]) => value);
    expect(rescued.join()).toContain('"left"');
    // The page lived on (back from the cache): the write happens in its next task.
    await vi.advanceTimersByTimeAsync(1);
    expect(begun).toEqual(['acquaint-queue']);
  });

  it('keeps the queue in memory until storage is allowed, then persists it', async () => {
    const store = memoryStore();
    const identityStore = memoryStore();
    const openStore = vi.fn((database: string) => (database === 'acquaint-queue' ? store : identityStore));
    const { env } = timedEnv({ fetch: scripted(503, 503, 503).fetch, openStore });
    const acquaint = createAcquaint({ config: config({}, 'pending'), env });
    acquaint.track('buy');
    await acquaint.flush();
    expect(openStore).not.toHaveBeenCalled();
    acquaint.consent.update({ analytics: 'granted' });
    await vi.advanceTimersByTimeAsync(0);
    expect(openStore).toHaveBeenCalledWith('acquaint-queue', 'records');
    expect(store.data.size).toBe(1);
  });

  it('lets the next tab send what a gone tab left, once', async () => {
    const store = memoryStore();
    const site = fakeSite({ openStore: () => store });
    const first = scripted('network');
    const a = site.openTab({ fetch: first.fetch });
    const tabA = createAcquaint({ config: config(), env: a.env });
    tabA.track('left-behind');
    await tabA.flush();
    expect(store.data.size).toBe(1);
    a.releaseLocks(); // tab A is closed

    const second = scripted();
    const b = site.openTab({ fetch: second.fetch });
    const tabB = createAcquaint({ config: config(), env: b.env });
    await tabB.ready();
    await vi.advanceTimersByTimeAsync(10);
    await tabB.flush();
    expect(second.calls.flatMap((c) => c.ids)).toEqual(first.calls[0]!.ids);
    // The queue's records are gone (this fake store serves every database: the delivery log is in it too).
    expect([...store.data.keys()].filter((key) => key !== 'deliveries')).toEqual([]);
  });

  it('does not take records from a tab that still lives', async () => {
    const store = memoryStore();
    const site = fakeSite({ openStore: () => store });
    const a = site.openTab({ fetch: scripted('network', 'network').fetch });
    const tabA = createAcquaint({ config: config(), env: a.env });
    tabA.track('mine');
    await tabA.flush();
    const second = scripted();
    const b = site.openTab({ fetch: second.fetch });
    const tabB = createAcquaint({ config: config(), env: b.env });
    await tabB.ready();
    await vi.advanceTimersByTimeAsync(10);
    await tabB.flush();
    expect(second.calls).toHaveLength(0);
  });

  it('writes no record before its tab lock is granted, so a tab that reads the record sees the tab alive', async () => {
    const store = memoryStore();
    const site = fakeSite({ openStore: () => store });
    const { locks } = site;
    // Web Locks and IndexedDB are separate channels: tab A's lock may be seen after its writes.
    let grant!: () => void;
    const granted = new Promise<void>((resolve) => (grant = resolve));
    const slowTabLock: typeof locks = {
      ...locks,
      request: (name, callback) =>
        name.startsWith('acquaint-tab:') ? granted.then(() => locks.request(name, callback)) : locks.request(name, callback),
    };
    const a = site.openTab({ fetch: scripted('network', 'network').fetch, locks: slowTabLock });
    const tabA = createAcquaint({ config: config(), env: a.env });
    tabA.track('mine');
    await tabA.flush();
    await vi.advanceTimersByTimeAsync(10);
    const second = scripted();
    const b = site.openTab({ fetch: second.fetch });
    const tabB = createAcquaint({ config: config(), env: b.env });
    await tabB.ready();
    await vi.advanceTimersByTimeAsync(10);
    await tabB.flush();
    expect(second.calls).toHaveLength(0);
    grant();
    await vi.advanceTimersByTimeAsync(10);
    expect([...store.data.values()].map((r) => (r as { event: { event: string } }).event.event)).toEqual(['mine']);
  });

  it('does not take the records of a tab that opened while this one was reading the queue', async () => {
    const identityStore = memoryStore();
    const queueStore = memoryStore();
    const site = fakeSite();
    // Tab B's read of the queue database answers late (slow disk), with what is there by then.
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const lateQueue = { ...queueStore, entries: () => answered.then(() => queueStore.entries()) };
    const second = scripted();
    const b = site.openTab({
      fetch: second.fetch,
      openStore: (database: string) => (database === 'acquaint-queue' ? lateQueue : identityStore),
    });
    const tabB = createAcquaint({ config: config(), env: b.env });
    await tabB.ready();
    await vi.advanceTimersByTimeAsync(10);
    // Tab A opens meanwhile and keeps its event (its collector is down) in the queue database.
    const a = site.openTab({
      fetch: scripted('network', 'network').fetch,
      openStore: (database: string) => (database === 'acquaint-queue' ? queueStore : identityStore),
    });
    const tabA = createAcquaint({ config: config(), env: a.env });
    tabA.track('mine');
    await tabA.flush();
    await vi.advanceTimersByTimeAsync(10);
    expect([...queueStore.data.values()].map((r) => (r as { event: { event: string } }).event.event)).toEqual(['mine']);
    answer();
    await vi.advanceTimersByTimeAsync(10);
    await tabB.flush();
    expect(second.calls).toHaveLength(0);
  });

  it('keeps working in memory when IndexedDB throws', async () => {
    const broken = {
      entries: () => Promise.reject(new DOMException('quota', 'QuotaExceededError')),
      setMany: () => Promise.reject(new Error('no')),
      delMany: () => Promise.resolve(),
    };
    const { fetch, calls } = scripted();
    const { env } = timedEnv({ fetch, openStore: () => broken });
    const acquaint = createAcquaint({ config: config(), env });
    acquaint.track('still-sent');
    await vi.advanceTimersByTimeAsync(10);
    await acquaint.flush();
    expect(calls).toHaveLength(1);
  });

  it('rescues what was tracked right before the page went, and the next tab sends it once', async () => {
    const store = memoryStore();
    const { local, openTab } = fakeSite({ openStore: () => store });
    const refused = vi.fn(() => false);
    // The keepalive fallback never answers before the page is gone.
    const a = openTab({
      sendBeacon: refused,
      fetch: () => new Promise(() => undefined),
    });
    const tabA = createAcquaint({ config: config(), env: a.env });
    await tabA.ready();
    await vi.advanceTimersByTimeAsync(10);
    tabA.track('last-second');
    a.hidePage(); // before the IndexedDB write of the event could commit; the beacon is refused
    store.data.clear(); // as if nothing committed
    a.releaseLocks();

    const second = scripted();
    const b = openTab({ fetch: second.fetch });
    const tabB = createAcquaint({ config: config(), env: b.env });
    await tabB.ready();
    await vi.advanceTimersByTimeAsync(10);
    await tabB.flush();
    expect(second.calls.flatMap((c) => c.ids)).toHaveLength(1);
    expect([...local.data.keys()].filter((k) => k.startsWith('acquaint.rescue.'))).toEqual([]);
  });

  it('sends what a gone tab rescued even when IndexedDB does not answer (WebKit froze it in a cached page): in memory, once the claim gives up', async () => {
    const store = memoryStore();
    const { local, openTab } = fakeSite({ openStore: () => store });
    const a = openTab({
      sendBeacon: () => false,
      fetch: () => new Promise(() => undefined),
    });
    const tabA = createAcquaint({ config: config(), env: a.env });
    await tabA.ready();
    await vi.advanceTimersByTimeAsync(10);
    tabA.track('rescued');
    a.hidePage();
    a.releaseLocks();

    const frozen = { ...store, entries: () => new Promise<never>(() => undefined) };
    const second = scripted();
    const b = openTab({ fetch: second.fetch, openStore: () => frozen });
    const tabB = createAcquaint({ config: config(), env: b.env });
    // 5 s for the identity database, then 5 s for the queue's.
    await vi.advanceTimersByTimeAsync(9_900);
    expect(second.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_200); // the claim gave up: the note's records, from memory
    await tabB.ready();
    await tabB.flush();
    expect(second.calls.flatMap((c) => c.ids)).toHaveLength(1);
    expect([...local.data.keys()].filter((k) => k.startsWith('acquaint.rescue.'))).toEqual([]);
  });

  it('keeps the rescue note of a gone tab until what it rescued is written, so a stuck write loses nothing', async () => {
    const store = memoryStore();
    const { local, openTab } = fakeSite({ openStore: () => store });
    const a = openTab({
      sendBeacon: vi.fn(() => false),
      fetch: () => new Promise(() => undefined),
    });
    const tabA = createAcquaint({ config: config(), env: a.env });
    await tabA.ready();
    await vi.advanceTimersByTimeAsync(10);
    tabA.track('last-second');
    a.hidePage();
    store.data.clear();
    a.releaseLocks();
    const rescueNotes = () => [...local.data.keys()].filter((k) => k.startsWith('acquaint.rescue.'));
    expect(rescueNotes()).toHaveLength(1);

    // Tab B's adoption write never commits (frozen, then the tab closes): the note stays for the next.
    const stuck = { ...store, setMany: () => new Promise<void>(() => undefined) };
    const b = openTab({ openStore: () => stuck });
    void createAcquaint({ config: config(), env: b.env }).ready();
    await vi.advanceTimersByTimeAsync(10);
    expect(rescueNotes()).toHaveLength(1);
    b.releaseLocks();

    const third = scripted();
    const c = openTab({ fetch: third.fetch });
    const tabC = createAcquaint({ config: config(), env: c.env });
    await tabC.ready();
    await vi.advanceTimersByTimeAsync(10);
    await tabC.flush();
    expect(third.calls.flatMap((call) => call.ids)).toHaveLength(1);
    expect(rescueNotes()).toEqual([]);
  });

  it('does not send again what a gone tab handed to sendBeacon', async () => {
    const store = memoryStore();
    const { openTab } = fakeSite({ openStore: () => store });
    const a = openTab();
    const tabA = createAcquaint({ config: config(), env: a.env });
    await tabA.ready();
    await vi.advanceTimersByTimeAsync(10);
    tabA.track('beaconed');
    await Promise.resolve();
    await Promise.resolve(); // the write reaches the store
    a.hidePage();
    await Promise.resolve(); // the beacon's answer: handed over
    store.data.set('leftover', 'not a record');
    a.releaseLocks();

    const second = scripted();
    const b = openTab({ fetch: second.fetch });
    const tabB = createAcquaint({ config: config(), env: b.env });
    await tabB.ready();
    await vi.advanceTimersByTimeAsync(10);
    await tabB.flush();
    expect(a.requests.filter((r) => r.via === 'beacon')).toHaveLength(1);
    expect(second.calls).toHaveLength(0);
    expect(store.data.size).toBe(0);
  });
});
