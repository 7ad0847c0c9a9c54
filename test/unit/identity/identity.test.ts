import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAcquaint } from '../../../src/acquaint';
import { createIdentity } from '../../../src/identity/identity';
import { fakeSite, memoryDatabases, memoryLocalStore, timedEnv } from '../fake-env';

const MINUTE = 60_000;
const config = (analytics = 'granted', identity: Record<string, unknown> = {}) => ({
  version: 1,
  autoPage: false,
  identity,
  consent: { defaults: { analytics } },
  destinations: [{ id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } }],
});

beforeEach(() => void vi.useFakeTimers({ now: Date.parse('2026-11-23T10:00:00Z') }));
afterEach(() => void vi.useRealTimers());

describe('createIdentity', () => {
  const setup = () => {
    let n = 0;
    const changed = vi.fn();
    const identity = createIdentity(
      { uuid: () => `id-${++n}`, now: () => Date.now(), page: () => ({ url: 'https://shop.example/' }) },
      { sessionTimeoutMs: 30 * MINUTE, idTtlMs: 10 * 86_400_000 },
      changed,
    );
    return { identity, changed };
  };

  it('keeps the session while active and starts a new one after the timeout', () => {
    const { identity } = setup();
    const first = identity.touch().sessionId;
    vi.advanceTimersByTime(29 * MINUTE);
    expect(identity.touch().sessionId).toBe(first);
    vi.advanceTimersByTime(31 * MINUTE);
    expect(identity.touch().sessionId).not.toBe(first);
  });

  it('merges traits for the same user and starts over for another', () => {
    const { identity, changed } = setup();
    identity.identify('u1', { plan: 'free', name: 'Ada' });
    identity.identify('u1', { plan: 'pro' });
    expect(identity.get()).toMatchObject({ userId: 'u1', traits: { plan: 'pro', name: 'Ada' } });
    identity.identify('u2', { plan: 'team' });
    expect(identity.get().traits).toEqual({ plan: 'team' });
    expect(changed).toHaveBeenCalledTimes(3);
  });

  it('gives a new anonymous identity on reset', () => {
    const { identity } = setup();
    const before = identity.get();
    identity.identify('u1', {});
    identity.reset();
    expect(identity.get()).toMatchObject({ userId: null, traits: {} });
    expect(identity.get().anonymousId).not.toBe(before.anonymousId);
  });

  it('adopts a stored identity unless it expired, keeping what this page identified', () => {
    const { identity } = setup();
    identity.identify('u9', { seen: 'here' });
    const stored = {
      anonymousId: 'stored',
      userId: null,
      traits: { old: 1 },
      sessionId: 's',
      lastActivity: Date.now() - 5 * MINUTE,
      updatedAt: 0,
    };
    identity.adopt(stored, 'storage');
    expect(identity.get()).toMatchObject({ anonymousId: 'stored', userId: 'u9', traits: { old: 1, seen: 'here' }, sessionId: 's' });
    const { identity: other } = setup();
    other.adopt({ ...stored, lastActivity: Date.now() - 11 * 86_400_000 }, 'storage');
    expect(other.get().anonymousId).not.toBe('stored');
  });

  it('takes another tab profile only when it is newer', () => {
    const { identity } = setup();
    const mine = identity.get();
    identity.adopt({ ...mine, anonymousId: 'older', updatedAt: mine.updatedAt - 1 }, 'tab');
    expect(identity.get().anonymousId).toBe(mine.anonymousId);
    identity.adopt({ ...mine, anonymousId: 'newer', updatedAt: mine.updatedAt + 1 }, 'tab');
    expect(identity.get().anonymousId).toBe('newer');
  });
});

describe('identity in an instance', () => {
  it('sends an identify event joining the anonymousId and the userId', async () => {
    const { env, sent } = timedEnv();
    const acquaint = createAcquaint({ config: config(), env });
    acquaint.track('before');
    acquaint.identify('user-7', { plan: 'pro' });
    acquaint.track('after');
    await acquaint.flush();
    const [before, identify, after] = sent();
    expect(identify).toMatchObject({ type: 'identify', userId: 'user-7', anonymousId: before!.anonymousId, traits: { plan: 'pro' } });
    expect(before!.userId).toBeNull();
    expect(after!.userId).toBe('user-7');
    expect(acquaint.user()).toMatchObject({ anonymousId: before!.anonymousId, userId: 'user-7', traits: { plan: 'pro' } });
    expect((after!.context as { sessionId: string }).sessionId).toBe(acquaint.user().sessionId);
  });

  it('keeps the id in memory until storage is allowed, then stores it', async () => {
    const dbs = memoryDatabases();
    const openStore = vi.fn(dbs.open);
    const { env } = timedEnv({ openStore });
    const acquaint = createAcquaint({ config: config('pending'), env });
    await acquaint.ready();
    const id = acquaint.user().anonymousId;
    expect(openStore).not.toHaveBeenCalled();
    acquaint.consent.update({ analytics: 'granted' });
    await vi.advanceTimersByTimeAsync(0);
    expect(openStore).toHaveBeenCalledWith('acquaint-identity', 'profile');
    expect(dbs.open('acquaint-identity').data.get('profile')).toMatchObject({ anonymousId: id });
  });

  it('restores the stored id on the next load, and the first events carry it', async () => {
    const dbs = memoryDatabases();
    const local = memoryLocalStore();
    const first = timedEnv({ openStore: dbs.open, localStore: local });
    const one = createAcquaint({ config: config(), env: first.env });
    await one.ready();
    await vi.advanceTimersByTimeAsync(0);
    const id = one.user().anonymousId;

    const second = timedEnv({ openStore: dbs.open, localStore: local });
    const two = createAcquaint({ config: config(), dataLayer: [{ event: 'early' }], env: second.env });
    await two.flush();
    expect(two.user().anonymousId).toBe(id);
    expect(second.sent()[0]).toMatchObject({ event: 'early', anonymousId: id });
  });

  it('goes on in memory when the database does not answer (a transaction frozen by another page)', async () => {
    const dbs = memoryDatabases();
    const frozen = { ...dbs.open('acquaint-identity'), entries: () => new Promise<never>(() => undefined) };
    const debug = vi.fn();
    const { env, sent } = timedEnv({
      openStore: (name: string) => (name === 'acquaint-identity' ? frozen : dbs.open(name)),
      console: { error: vi.fn(), warn: vi.fn(), debug },
    });
    const acquaint = createAcquaint({ config: { ...config(), debug: true }, dataLayer: [{ event: 'early' }], env });
    let ready = false;
    void acquaint.ready().then(() => (ready = true));
    await vi.advanceTimersByTimeAsync(4_900);
    expect(ready).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(ready).toBe(true);
    expect(debug).toHaveBeenCalledWith(expect.stringContaining('identity stays in memory: Error: no answer in 5 s'));
    await acquaint.flush();
    expect(sent()).toEqual([expect.objectContaining({ event: 'early', anonymousId: acquaint.user().anonymousId })]);
  });

  it('gives two tabs opened at once on a new visitor one anonymousId', async () => {
    const { openTab } = fakeSite();
    const a = createAcquaint({ config: config(), env: openTab().env });
    const b = createAcquaint({ config: config(), env: openTab().env });
    await Promise.all([a.ready(), b.ready()]);
    expect(a.user().anonymousId).toBe(b.user().anonymousId);
  });

  it('is ready before its profile is written, but keeps the lock until the write lands, so the next tab reads it', async () => {
    const { dbs, openTab } = fakeSite();
    const shared = dbs.open('acquaint-identity');
    let land!: () => void;
    const landed = new Promise<void>((resolve) => (land = resolve));
    const reads: string[] = [];
    const slowWrites = { ...shared, setMany: (items: [IDBValidKey, unknown][]) => landed.then(() => shared.setMany(items)) };
    const readsOf = (tab: string) => ({ ...shared, entries: () => (reads.push(tab), shared.entries()) });
    const a = createAcquaint({
      config: config(),
      env: openTab({
        openStore: (name: string) => (name === 'acquaint-identity' ? { ...readsOf('a'), setMany: slowWrites.setMany } : dbs.open(name)),
      }).env,
    });
    await a.ready(); // the write has not landed
    expect(shared.data.size).toBe(0);
    const b = createAcquaint({
      config: config(),
      env: openTab({
        openStore: (name: string) => (name === 'acquaint-identity' ? readsOf('b') : dbs.open(name)),
      }).env,
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(reads).toEqual(['a']); // b waits for the lock
    land();
    await b.ready();
    expect(reads).toEqual(['a', 'b']);
    expect(b.user().anonymousId).toBe(a.user().anonymousId);
  });

  it('forgets everything: stored profile, queue, consent choice, and starts as a first visit', async () => {
    const dbs = memoryDatabases();
    const local = memoryLocalStore();
    const { env } = timedEnv({ openStore: dbs.open, localStore: local, fetch: () => new Promise(() => undefined) });
    const acquaint = createAcquaint({ config: config('pending'), env });
    acquaint.consent.update({ analytics: 'granted' });
    acquaint.identify('u1', { email: 'a@b.c' });
    acquaint.track('queued');
    await vi.advanceTimersByTimeAsync(0);
    const before = acquaint.user().anonymousId;
    expect(local.data.has('acquaint.consent')).toBe(true);
    const dropped = vi.fn();
    acquaint.on('dropped', dropped);
    await acquaint.forget();
    expect(dbs.open('acquaint-identity').data.size).toBe(0);
    expect(dbs.open('acquaint-queue').data.size).toBe(0);
    expect([...local.data.keys()]).toEqual([]);
    expect(acquaint.consent.get().analytics).toBe('pending');
    expect(acquaint.user()).toMatchObject({ userId: null, traits: {} });
    expect(acquaint.user().anonymousId).not.toBe(before);
    expect(dropped).toHaveBeenCalledWith(expect.objectContaining({ reason: 'forgotten' }));
  });

  it('rejects a bad identify without throwing', async () => {
    const { env, sent } = timedEnv();
    const acquaint = createAcquaint({ config: config(), env });
    const errors = vi.fn();
    acquaint.on('error', errors);
    acquaint.identify('');
    acquaint.identify('u', 'traits' as unknown as Record<string, unknown>);
    await acquaint.flush();
    expect(errors).toHaveBeenCalledTimes(2);
    expect(sent()).toEqual([]);
  });
});

describe('trait hashing', () => {
  const digest = async (text: string) => {
    const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  };

  it('sends named traits only as SHA-256 of the normalised value, and keeps the order of events', async () => {
    vi.useRealTimers(); // SubtleCrypto resolves on its own clock
    const { env, sent } = timedEnv({ sha256: digest });
    const acquaint = createAcquaint({ config: { ...config('granted', { hashTraits: ['email'] }), delivery: { flushIntervalMs: 0 } }, env });
    await acquaint.ready();
    let delivered = 0;
    const both = new Promise<void>((resolve) =>
      acquaint.on('delivered', ({ messageIds }) => (delivered += messageIds.length) >= 2 && resolve()),
    );
    acquaint.identify('u1', { email: '  Ada@Example.COM ', plan: 'pro' });
    acquaint.track('after');
    await both;
    const events = sent();
    expect(events.map((e) => e.type)).toEqual(['identify', 'track']);
    expect(events[0]!.traits).toEqual({ email: await digest('ada@example.com'), plan: 'pro' });
    expect(acquaint.user().traits.email).toBe('  Ada@Example.COM ');
  });

  it('leaves a named trait out rather than send it in the clear without SubtleCrypto', async () => {
    const { env, sent } = timedEnv();
    const acquaint = createAcquaint({ config: config('granted', { hashTraits: ['email'] }), env });
    await acquaint.ready();
    acquaint.identify('u1', { email: 'a@b.c', plan: 'pro' });
    await vi.advanceTimersByTimeAsync(0);
    await acquaint.flush();
    expect(sent()[0]!.traits).toEqual({ plan: 'pro' });
  });
});

describe('the server-kept id (Safari)', () => {
  const SERVER_ID = '11111111-2222-4333-8444-555555555555';
  const serverConfig = { ...config('granted', { serverIdUrl: '/acquaint/id' }) };
  const server = (answer: unknown) =>
    vi.fn((url: string, init: RequestInit) =>
      Promise.resolve(
        url.endsWith('/acquaint/id')
          ? { ok: true, status: 200, headers: { get: () => null }, json: () => Promise.resolve(answer), init }
          : { ok: true, status: 200, headers: { get: () => null } },
      ),
    );

  it('adopts the id the server echoes when nothing is stored (storage was wiped)', async () => {
    const fetch = server({ anonymousId: SERVER_ID });
    const { env } = timedEnv({ openStore: memoryDatabases().open, fetch });
    const acquaint = createAcquaint({ config: serverConfig, dataLayer: [{ event: 'first' }], env });
    await acquaint.ready();
    expect(acquaint.user().anonymousId).toBe(SERVER_ID);
    expect(fetch).toHaveBeenCalledWith('/acquaint/id', expect.objectContaining({ method: 'POST', credentials: 'same-origin' }));
  });

  it('keeps the stored id over the server, and ignores an answer that is not an id', async () => {
    const dbs = memoryDatabases();
    const first = createAcquaint({ config: config(), env: timedEnv({ openStore: dbs.open }).env });
    await first.ready();
    const stored = first.user().anonymousId;
    const again = createAcquaint({
      config: serverConfig,
      env: timedEnv({ openStore: dbs.open, fetch: server({ anonymousId: SERVER_ID }) }).env,
    });
    await again.ready();
    expect(again.user().anonymousId).toBe(stored);
    const junk = createAcquaint({
      config: serverConfig,
      env: timedEnv({ openStore: memoryDatabases().open, fetch: server({ anonymousId: '<script>' }) }).env,
    });
    await junk.ready();
    expect(junk.user().anonymousId).not.toBe('<script>');
  });

  it('never calls the server before storage is allowed', async () => {
    const fetch = server({ anonymousId: SERVER_ID });
    const { env } = timedEnv({ openStore: memoryDatabases().open, fetch });
    const acquaint = createAcquaint({ config: { ...serverConfig, consent: { defaults: { analytics: 'pending' } } }, env });
    await acquaint.ready();
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('sessions at midnight', () => {
  it('starts a new session at local midnight when configured, not otherwise', () => {
    vi.setSystemTime(new Date(2026, 10, 23, 23, 50)); // local time
    let n = 0;
    const make = (sessionEndsAtMidnight: boolean) =>
      createIdentity(
        { uuid: () => `id-${++n}`, now: () => Date.now(), page: () => ({ url: 'https://shop.example/' }) },
        { sessionTimeoutMs: 30 * MINUTE, idTtlMs: DAY_MS, sessionEndsAtMidnight },
        vi.fn(),
      );
    const midnight = make(true);
    const plain = make(false);
    const [a, b] = [midnight.touch().sessionId, plain.touch().sessionId];
    vi.advanceTimersByTime(15 * MINUTE); // 00:05 the next day
    expect(midnight.touch().sessionId).not.toBe(a);
    expect(plain.touch().sessionId).toBe(b);
  });
});
const DAY_MS = 86_400_000;

describe('consent across tabs and withdrawal', () => {
  it('follows a choice made in another tab, and erases what it stored when storage is withdrawn', async () => {
    const dbs = memoryDatabases();
    const local = memoryLocalStore();
    const listeners: ((key: string | null, value: string | null) => void)[] = [];
    const { env } = timedEnv({
      openStore: dbs.open,
      localStore: local,
      onStorageChange: (l) => void listeners.push(l),
    });
    const acquaint = createAcquaint({ config: config('pending'), env });
    await acquaint.ready();
    // Another tab stores the visitor's grant.
    const record = JSON.stringify({ choices: { analytics: 'granted' }, timestamp: new Date().toISOString(), version: 1 });
    local.set('acquaint.consent', record);
    listeners.forEach((l) => l('acquaint.consent', record));
    expect(acquaint.consent.get().analytics).toBe('granted');
    await vi.advanceTimersByTimeAsync(0);
    expect(dbs.open('acquaint-identity').data.get('profile')).toBeDefined();
    // The visitor withdraws here: what was stored goes.
    acquaint.consent.update({ analytics: 'denied' });
    await vi.advanceTimersByTimeAsync(0);
    expect(dbs.open('acquaint-identity').data.size).toBe(0);
    acquaint.track('after');
    await vi.advanceTimersByTimeAsync(0);
    expect(dbs.open('acquaint-queue').data.size).toBe(0);
    // Another tab erases everything (forget): the defaults apply again here.
    listeners.forEach((l) => l('acquaint.consent', null));
    expect(acquaint.consent.get().analytics).toBe('pending');
  });
});
