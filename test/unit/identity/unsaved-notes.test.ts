import { describe, expect, it, vi } from 'vitest';
import { createAcquaint } from '../../../src/acquaint';
import type { KeyValueStore } from '../../../src/lib/platform';
import { fakeSite, memoryDatabases, memoryLocalStore, timedEnv, writesBegun } from '../fake-env';

// A page that goes right after a change (a purchase, then the thank-you page): its IndexedDB
// write may never commit. What it had not seen written goes to a localStorage note at pagehide,
// and the next page's claim takes it where it is newer than what is stored.
const config = {
  version: 1,
  autoPage: false,
  consent: { defaults: { analytics: 'granted', personalization: 'granted' } },
  audiences: [{ id: 'buyer', all: [{ event: 'purchase' }] }],
  destinations: [{ id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } }],
};

/** The databases as one page sees them: once `going`, its writes never commit (the page went). */
function pageStores(dbs: ReturnType<typeof memoryDatabases>) {
  let going = false;
  const never = () => new Promise<never>(() => undefined);
  const open = (database: string): KeyValueStore => {
    const store = dbs.open(database);
    return {
      entries: () => store.entries(),
      setMany: (items) => (going ? never() : store.setMany(items)),
      delMany: (keys) => (going ? never() : store.delMany(keys)),
    };
  };
  return { open, go: () => (going = true) };
}

const notes = (local: ReturnType<typeof memoryLocalStore>) => [...local.data.keys()].filter((key) => key.startsWith('acquaint.unsaved.'));

describe('what a page going away had not written', () => {
  it('a purchase whose IndexedDB write never committed: the next page is still in "buyer", and the userId set with it is kept', async () => {
    const { dbs, local, openTab } = fakeSite();
    let clock = Date.parse('2026-12-03T10:00:00Z');
    const now = () => clock;
    const page = pageStores(dbs);
    const first = openTab({ now, openStore: page.open });
    const one = createAcquaint({ config, env: first.env });
    await one.ready();
    await vi.waitFor(() => expect(dbs.open('acquaint-identity').data.get('profile')).toBeDefined());

    page.go();
    clock += 1000;
    one.identify('u1');
    one.track('purchase');
    await vi.waitFor(() => expect(one.user().audiences).toEqual(['buyer']));
    first.hidePage();
    first.releaseLocks();
    expect(notes(local)).toHaveLength(1);
    expect(dbs.open('acquaint-identity').data.get('audiences')).toBeUndefined();

    clock += 1000;
    const second = openTab({ now });
    const two = createAcquaint({ config, env: second.env });
    await two.ready();
    expect(two.user()).toMatchObject({ anonymousId: one.user().anonymousId, userId: 'u1', audiences: ['buyer'] });
    // Taken once: written to IndexedDB and the note removed.
    expect(notes(local)).toEqual([]);
    await vi.waitFor(() => expect(dbs.open('acquaint-identity').data.get('audiences')).toMatchObject({ members: ['buyer'] }));
  });

  it('a page that lives on after its note (hidden, then shown) takes the note back once its writes commit', async () => {
    const dbs = memoryDatabases();
    const local = memoryLocalStore();
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let holding = false;
    const open = (database: string) => {
      const store = dbs.open(database);
      return {
        ...store,
        setMany: (items: [IDBValidKey, unknown][]) => (holding ? held.then(() => store.setMany(items)) : store.setMany(items)),
      };
    };
    const first = timedEnv({ openStore: open, localStore: local });
    const one = createAcquaint({ config, env: first.env });
    await one.ready();
    await vi.waitFor(() => expect(dbs.open('acquaint-identity').data.get('profile')).toBeDefined());
    holding = true;
    one.track('purchase');
    first.hidePage(); // the write is still on its way
    expect(notes(local)).toHaveLength(1);
    commit();
    await vi.waitFor(() => expect(notes(local)).toEqual([]));
    expect(dbs.open('acquaint-identity').data.get('audiences')).toMatchObject({ members: ['buyer'] });
  });

  it('no note when everything was written, and none kept once storage is withdrawn', async () => {
    const dbs = memoryDatabases();
    const local = memoryLocalStore();
    const page = pageStores(dbs);
    const first = timedEnv({ openStore: page.open, localStore: local });
    const one = createAcquaint({ config, env: first.env });
    await one.ready();
    one.track('purchase');
    await vi.waitFor(() => expect(dbs.open('acquaint-identity').data.get('audiences')).toMatchObject({ members: ['buyer'] }));
    first.hidePage();
    expect(notes(local)).toEqual([]);

    page.go();
    one.identify('u3');
    first.hidePage();
    expect(notes(local)).toHaveLength(1);
    one.consent.update({ analytics: 'denied', personalization: 'denied' });
    expect(notes(local)).toEqual([]);
    first.hidePage();
    expect(notes(local)).toEqual([]);
  });

  it('a change made in pagehide begins no IndexedDB write in that task (WebKit would freeze it with the page): noted, then written if the page lives on', async () => {
    const dbs = memoryDatabases();
    const local = memoryLocalStore();
    const { open, keys: begun } = writesBegun(dbs);
    const first = timedEnv({ openStore: open, localStore: local });
    const one = createAcquaint({ config, env: first.env });
    await one.ready();
    await vi.waitFor(() => expect(dbs.open('acquaint-identity').data.get('profile')).toBeDefined());
    begun.length = 0;

    first.leavePage(); // then, in the pagehide task, a site's own listener tracks, or the unload beacon is counted
    one.track('purchase');
    expect(one.user().audiences).toEqual(['buyer']);
    expect(begun).toEqual([]);
    expect(notes(local)).toHaveLength(1);
    // What the next page would take, were this one frozen and never run again.
    expect(JSON.parse(local.get(notes(local)[0]!)!)).toMatchObject({ audiences: [{ members: ['buyer'] }] });

    // Restored from the back/forward cache: its next task begins the write.
    await vi.waitFor(() => expect(begun).toContain('audiences'));
    await vi.waitFor(() => expect(notes(local)).toEqual([]));
    expect(dbs.open('acquaint-identity').data.get('audiences')).toMatchObject({ members: ['buyer'] });
  });
});
