import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAcquaint } from '../../../src/acquaint';
import { fakeLocks, memoryDatabases, memoryLocalStore, timedEnv } from '../fake-env';

// WebKit freezes an IndexedDB transaction begun in pagehide with the page in the back/forward
// cache, and it blocks every later transaction on that database, the next page's too
// (test/webkit/unload.test.ts; idb-keyval#180). Nothing acquaint does in pagehide may begin one.
const config = {
  version: 1,
  autoPage: false,
  consent: { defaults: { analytics: 'granted' } },
  destinations: [{ id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } }],
};

beforeEach(() => void vi.useFakeTimers({ now: Date.parse('2026-11-23T10:00:00Z') }));
afterEach(() => void vi.useRealTimers());

describe('delivery on pagehide', () => {
  it('begins no IndexedDB transaction in pagehide: what sendBeacon took is deleted on a later task', async () => {
    const { open } = memoryDatabases();
    const store = open('acquaint-queue');
    const local = memoryLocalStore();
    const a = timedEnv({ openStore: open, localStore: local, locks: fakeLocks() });
    const acquaint = createAcquaint({ config, env: a.env });
    await acquaint.ready();
    await vi.advanceTimersByTimeAsync(10);
    acquaint.track('beaconed');
    await vi.advanceTimersByTimeAsync(0); // the write reaches the store
    expect(store.data.size).toBe(1);
    const setMany = vi.spyOn(store, 'setMany');
    const delMany = vi.spyOn(store, 'delMany');

    a.leavePage();
    for (let i = 0; i < 5; i++) await Promise.resolve(); // the pagehide task's microtasks
    expect(a.requests.filter((r) => r.via === 'beacon')).toHaveLength(1);
    expect(setMany).not.toHaveBeenCalled();
    expect(delMany).not.toHaveBeenCalled();
    // The next page learns from localStorage what the beacon took.
    expect([...local.data.keys()].some((k) => k.startsWith('acquaint.handover.'))).toBe(true);

    await vi.advanceTimersByTimeAsync(0); // a page that lives on (hidden, or restored) cleans up
    expect(delMany).toHaveBeenCalledTimes(1);
    expect(store.data.size).toBe(0);
  });
});

/** A tab whose queue is stored (storage allowed, the claim done). */
async function storingTab() {
  const { open } = memoryDatabases();
  const store = open('acquaint-queue');
  const a = timedEnv({ openStore: open, localStore: memoryLocalStore(), locks: fakeLocks() });
  const acquaint = createAcquaint({ config, env: a.env });
  await acquaint.ready();
  await vi.advanceTimersByTimeAsync(10);
  return { store, acquaint };
}

describe('delivery: writes to IndexedDB', () => {
  it('a burst is written at most 50 records a task, each in one call, so no task runs long', async () => {
    const { store, acquaint } = await storingTab();
    const setMany = vi.spyOn(store, 'setMany');
    for (let i = 0; i < 120; i++) acquaint.track('burst', { i });
    await Promise.resolve();
    await Promise.resolve();
    // The first slice in the burst's own task (a microtask), the rest on later tasks.
    expect(setMany.mock.calls.map(([entries]) => entries.length)).toEqual([50]);
    // (A timer set during a fake tick waits at least 1 ms.)
    for (let task = 0; task < 3; task++) await vi.advanceTimersByTimeAsync(1);
    expect(setMany.mock.calls.map(([entries]) => entries.length)).toEqual([50, 50, 20]);
    expect(store.data.size).toBe(120);
  });

  it('neither writes nor deletes a record delivered before its write was due; deletes what was written', async () => {
    const { store, acquaint } = await storingTab();
    const setMany = vi.spyOn(store, 'setMany');
    const delMany = vi.spyOn(store, 'delMany');
    for (let i = 0; i < 120; i++) acquaint.track('burst', { i });
    await Promise.resolve();
    await Promise.resolve();
    expect(setMany.mock.calls.map(([entries]) => entries.length)).toEqual([50]);
    // Delivered in this task, before the other 70 writes were due.
    await acquaint.flush();
    for (let task = 0; task < 3; task++) await vi.advanceTimersByTimeAsync(1);
    expect(setMany.mock.calls.map(([entries]) => entries.length)).toEqual([50]);
    expect(delMany.mock.calls.flatMap(([keys]) => keys)).toHaveLength(50);
    expect(store.data.size).toBe(0);
  });
});
