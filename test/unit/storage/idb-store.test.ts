import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { idbStore } from '../../../src/storage/idb-store';

describe('idbStore', () => {
  it('keeps values under their keys, in a database of its own, and deletes them', async () => {
    const store = idbStore(indexedDB, 'idb-store-test', 'records');
    await store.setMany([
      ['b', { n: 2 }],
      ['a', { n: 1 }],
      [3, 'three'],
    ]);
    expect(new Map(await store.entries())).toEqual(
      new Map<IDBValidKey, unknown>([
        ['a', { n: 1 }],
        ['b', { n: 2 }],
        [3, 'three'],
      ]),
    );
    await store.delMany(['a', 3, 'missing']);
    expect(await store.entries()).toEqual([['b', { n: 2 }]]);
    // Another store object on the same database sees the same data.
    expect(await idbStore(indexedDB, 'idb-store-test', 'records').entries()).toEqual([['b', { n: 2 }]]);
    expect((await indexedDB.databases()).map((d) => d.name)).toContain('idb-store-test');
  });

  it('answers every call with a rejected promise where IndexedDB throws (storage blocked)', async () => {
    const blocked = {
      open: () => {
        throw new DOMException('blocked', 'SecurityError');
      },
    } as unknown as IDBFactory;
    const store = idbStore(blocked, 'blocked', 'records');
    await expect(store.entries()).rejects.toThrow('blocked');
    await expect(store.setMany([['k', 1]])).rejects.toThrow('blocked');
    await expect(store.delMany(['k'])).rejects.toThrow('blocked');
  });

  it('rejects a write whose value cannot be stored, and the store goes on working', async () => {
    const store = idbStore(indexedDB, 'idb-store-clone', 'records');
    await expect(store.setMany([['f', () => undefined]])).rejects.toThrow();
    await store.setMany([['ok', 1]]);
    expect(await store.entries()).toEqual([['ok', 1]]);
  });
});
