import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { createAcquaint } from '../../../src/acquaint';
import { idbStore as storeIn } from '../../../src/storage/idb-store';
import { fakeEnv, memoryLocalStore } from '../fake-env';

// The same flows as identity.test.ts, through storage/idb-store.ts on fake-indexeddb instead of a Map.
const config = (analytics: string) => ({
  version: 1,
  autoPage: false,
  consent: { defaults: { analytics, personalization: analytics } },
  audiences: [{ id: 'buyer', all: [{ event: 'purchase' }] }],
  destinations: [{ id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } }],
});
const idbStore = (database: string, name: string) => storeIn(indexedDB, database, name);
const databases = async () => (await indexedDB.databases()).map((d) => d.name).sort();

describe('identity in IndexedDB (fake-indexeddb)', () => {
  it('creates no database before consent, then keeps the profile and audiences across loads', async () => {
    const local = memoryLocalStore();
    const env = () => fakeEnv({ openStore: idbStore, localStore: local }).env;
    const first = createAcquaint({ config: config('pending'), env: env() });
    await first.ready();
    first.track('purchase');
    expect(await databases()).toEqual([]);
    first.consent.update({ analytics: 'granted', personalization: 'granted' });
    first.identify('u1', { plan: 'pro' });
    first.track('purchase');
    await first.flush();
    await vi.waitFor(async () => expect(await databases()).toEqual(['acquaint-identity', 'acquaint-queue']));
    await vi.waitFor(async () =>
      expect(new Map(await idbStore('acquaint-identity', 'profile').entries()).get('profile')).toMatchObject({ userId: 'u1' }),
    );

    const second = createAcquaint({ config: config('pending'), env: env() });
    await second.ready();
    expect(second.user()).toMatchObject({
      anonymousId: first.user().anonymousId,
      userId: 'u1',
      traits: { plan: 'pro' },
      audiences: ['buyer'],
    });
  });

  it('forgets: the next load is a first visit', async () => {
    const local = memoryLocalStore();
    const env = () => fakeEnv({ openStore: idbStore, localStore: local }).env;
    const one = createAcquaint({ config: config('granted'), env: env() });
    await one.ready();
    one.identify('u2');
    await vi.waitFor(async () =>
      expect(new Map(await idbStore('acquaint-identity', 'profile').entries()).get('profile')).toMatchObject({ userId: 'u2' }),
    );
    await one.forget();
    expect(await idbStore('acquaint-identity', 'profile').entries()).toEqual([]);
    const two = createAcquaint({ config: config('pending'), env: env() });
    await two.ready();
    expect(two.user().userId).toBeNull();
    expect(two.user().anonymousId).not.toBe(one.user().anonymousId);
  });
});
