import { describe, expect, it, vi } from 'vitest';
import { createPersistence, QUEUE_DATABASE } from '../../../src/delivery/persistence';
import { recordKey, type QueueRecord } from '../../../src/delivery/record';
import { testEvent } from '../event';
import { fakeEnv, fakeLocks, memoryDatabases, memoryLocalStore } from '../fake-env';

// The queue's durable copy on its own: what each tab stores, and what a later tab adopts, drops
// or leaves of the tabs that are gone (delivery.test.ts runs the same paths through createAcquaint).
const record = (owner: string, messageId: string): QueueRecord => ({
  destination: 'collector',
  event: testEvent({ messageId }),
  attempts: 0,
  owner,
  seq: 0,
});

function site() {
  const dbs = memoryDatabases();
  const locks = fakeLocks();
  const local = memoryLocalStore();
  const tab = (tabId: string) => createPersistence(fakeEnv({ openStore: dbs.open, locks, localStore: local }).env, tabId, vi.fn());
  const stored = () =>
    ([...dbs.open(QUEUE_DATABASE).data.values()] as QueueRecord[]).sort((a, b) => a.event.messageId.localeCompare(b.event.messageId));
  return { dbs, locks, local, tab, stored };
}

const adoptAll = () => 'adopt' as const;

describe('createPersistence', () => {
  it("stores the tab's own records once enabled, and adopts none of its own", async () => {
    const { tab, stored } = site();
    const mine = [record('a', 'm1'), record('a', 'm2')];
    const { adopted } = await tab('a').enable(() => mine, adoptAll);
    expect(adopted).toEqual([]);
    expect(stored().map((r) => r.event.messageId)).toEqual(['m1', 'm2']);
  });

  it('adopts the records of a closed tab, and leaves those of a tab that lives', async () => {
    const { tab, locks, stored } = site();
    await tab('closed').enable(() => [record('closed', 'c1')], adoptAll);
    await tab('open').enable(() => [record('open', 'o1')], adoptAll);
    locks.release('acquaint-tab:closed');
    const { adopted } = await tab('new').enable(() => [], adoptAll);
    expect(adopted.map((r) => [r.event.messageId, r.owner])).toEqual([['c1', 'new']]);
    expect(stored().map((r) => [r.event.messageId, r.owner])).toEqual([
      ['c1', 'new'],
      ['o1', 'open'],
    ]);
  });

  it('drops, adopts or leaves each orphan as asked', async () => {
    const { tab, locks, stored } = site();
    await tab('gone').enable(() => [record('gone', 'drop'), record('gone', 'keep'), record('gone', 'later')], adoptAll);
    locks.release('acquaint-tab:gone');
    const verdicts = { drop: 'drop', keep: 'adopt', later: 'leave' } as const;
    const { adopted, dropped } = await tab('next').enable(
      () => [],
      (r) => verdicts[r.event.messageId as keyof typeof verdicts],
    );
    expect(adopted.map((r) => r.event.messageId)).toEqual(['keep']);
    expect(dropped.map((r) => r.event.messageId)).toEqual(['drop']);
    expect(stored().map((r) => [r.event.messageId, r.owner])).toEqual([
      ['keep', 'next'],
      ['later', 'gone'],
    ]);
  });

  it('takes what a gone tab rescued, and deletes what it handed over rather than send it again', async () => {
    const { tab, locks, stored } = site();
    const gone = tab('gone');
    await gone.enable(() => [record('gone', 'beaconed')], adoptAll);
    gone.rescue([record('gone', 'beaconed'), record('gone', 'unwritten')]);
    gone.handedOver([record('gone', 'beaconed')]);
    locks.release('acquaint-tab:gone');
    const { adopted } = await tab('next').enable(() => [], adoptAll);
    expect(adopted.map((r) => r.event.messageId)).toEqual(['unwritten']);
    expect(stored().map((r) => recordKey(r))).toEqual([recordKey(record('next', 'unwritten'))]);
  });

  it('stores again after an erasure, once storage is allowed again', async () => {
    const { tab, stored } = site();
    const persistence = tab('a');
    await persistence.enable(() => [record('a', 'before')], adoptAll);
    await persistence.clear();
    expect(stored()).toEqual([]);
    expect(persistence.enabled).toBe(false);
    await persistence.enable(() => [record('a', 'after')], adoptAll);
    expect(persistence.enabled).toBe(true);
    expect(stored().map((r) => r.event.messageId)).toEqual(['after']);
  });
});
