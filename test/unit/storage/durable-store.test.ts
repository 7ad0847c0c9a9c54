import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KeyValueStore } from '../../../src/lib/platform';
import { createDurableStore } from '../../../src/storage/durable-store';
import { fakeEnv, fakeLocks, memoryDatabases } from '../fake-env';

afterEach(() => void vi.useRealTimers());

function setup(overrides: Parameters<typeof fakeEnv>[0] = {}) {
  const dbs = memoryDatabases();
  const openStore = vi.fn(dbs.open);
  const { env } = fakeEnv({ openStore, ...overrides });
  const debug = vi.fn();
  const durable = createDurableStore(env, ['test-db', 'items', 'things stay', 'test-lock'], debug);
  return { dbs, openStore, env, debug, durable };
}

describe('createDurableStore', () => {
  it('opens nothing until asked, then runs the claim on the opened store', async () => {
    const { durable, openStore, dbs } = setup();
    expect(openStore).not.toHaveBeenCalled();
    expect(durable.current).toBeUndefined();
    const answer = await durable.open(async (store) => {
      await store.setMany([['a', 1]]);
      return 'claimed';
    });
    expect(answer).toBe('claimed');
    expect(openStore).toHaveBeenCalledWith('test-db', 'items');
    expect(durable.current).toBeDefined();
    expect(dbs.databases.get('test-db')!.data.get('a')).toBe(1);
  });

  it('opens once: a second open gets the first answer', async () => {
    const { durable, openStore } = setup();
    const claim = vi.fn(() => Promise.resolve(1));
    expect(await durable.open(claim)).toBe(1);
    expect(await durable.open(claim)).toBe(1);
    expect(claim).toHaveBeenCalledTimes(1);
    expect(openStore).toHaveBeenCalledTimes(1);
  });

  it('claims under its Web Lock: a second tab reads only once the first has written', async () => {
    const locks = fakeLocks();
    const dbs = memoryDatabases();
    const tab = () => createDurableStore(fakeEnv({ openStore: dbs.open, locks }).env, ['db', 's', 'x stay', 'the-lock'], vi.fn());
    let release!: () => void;
    const first = tab().open(async (store) => {
      await new Promise<void>((resolve) => (release = resolve));
      await store.setMany([['id', 'first']]);
    });
    const second = tab().open(async (store) => new Map(await store.entries()).get('id'));
    await vi.waitFor(() => expect(release).toBeDefined());
    release();
    await first;
    expect(await second).toBe('first');
  });

  it('runs `before` first, and is not current until it is done', async () => {
    const { durable } = setup();
    let during: KeyValueStore | undefined = {} as KeyValueStore;
    await durable.open(
      () => Promise.resolve(),
      () => Promise.resolve(void (during = durable.current)),
    );
    expect(during).toBeUndefined();
    expect(durable.current).toBeDefined();
  });

  it('stays in memory with one debug line where IndexedDB is not available', async () => {
    const { durable, debug } = setup({ openStore: () => undefined });
    const claim = vi.fn(() => Promise.resolve(1));
    expect(await durable.open(claim)).toBeUndefined();
    expect(claim).not.toHaveBeenCalled();
    expect(durable.current).toBeUndefined();
    expect(debug.mock.calls).toEqual([['IndexedDB unavailable, things stay in memory: Error: IndexedDB is not available']]);
  });

  it('gives up to memory after 5 s without an answer, and tells a late claim it is no longer live', async () => {
    vi.useFakeTimers();
    const { durable, debug } = setup();
    let live!: () => boolean;
    let answer!: () => void;
    const opening = durable.open(async (_store, isLive) => {
      live = isLive;
      await new Promise<void>((resolve) => (answer = resolve));
      return 'late';
    });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await opening).toBeUndefined();
    expect(durable.current).toBeUndefined();
    expect(debug).toHaveBeenCalledWith('IndexedDB unavailable, things stay in memory: Error: no answer in 5 s');
    answer();
    expect(live()).toBe(false);
  });

  it('turns to memory on a failed write, saying so once', async () => {
    const { durable, debug } = setup();
    await durable.open(() => Promise.resolve());
    durable.fail(new DOMException('full', 'QuotaExceededError'));
    durable.fail(new Error('again'));
    expect(durable.current).toBeUndefined();
    expect(debug).toHaveBeenCalledTimes(1);
    expect(debug.mock.calls[0]![0]).toContain('QuotaExceededError');
  });

  it('clears the keys named, or every key, and opens again when asked', async () => {
    const { durable, dbs } = setup();
    await durable.open((store) =>
      store.setMany([
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ]),
    );
    await durable.clear(['a']);
    expect([...dbs.databases.get('test-db')!.data.keys()]).toEqual(['b', 'c']);
    expect(durable.current).toBeUndefined();
    expect(await durable.entries()).toEqual([]);
    await durable.open(() => Promise.resolve());
    expect((await durable.entries()).map(([key]) => key)).toEqual(['b', 'c']);
    await durable.clear();
    expect(dbs.databases.get('test-db')!.data.size).toBe(0);
  });
});
