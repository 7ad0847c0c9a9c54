import { describe, expect, test } from 'vitest';
import { grantIdentifyAndTrack } from '../browser/page-scenarios';
import { arrived, flush, open, run, track, until, useWebKit, user } from './harness';

// IndexedDB failing in WebKit (test/webkit/fixtures/no-indexeddb.html breaks it before acquaint
// loads): the page never sees an error, events still arrive, and identity lives in memory.
const site = useWebKit();

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

declare global {
  interface Window {
    pageErrors?: string[];
  }
}

const BREAKS = ['access-throws', 'open-throws', 'open-fails', 'undefined'] as const;

describe('IndexedDB failing', () => {
  for (const mode of BREAKS) {
    test(`${mode}: events arrive, identity lives in memory, the page sees no error`, async () => {
      const { driver, app } = site;
      await open(driver, `${app.url}/webkit/no-indexeddb.html?break=${mode}`);
      const thrown = await run(driver, grantIdentifyAndTrack);
      expect(thrown).toEqual([]);
      await flush(driver);
      const first = (await arrived(app, ['no_idb_1'])).find((e) => e.event === 'no_idb_1')!;
      expect(first).toMatchObject({ userId: 'user-3' });
      expect(first.anonymousId).toMatch(UUID_V4);
      await until(() => app.events.some((e) => e.type === 'identify'), 'the identify call');
      expect(app.events.filter((e) => e.type === 'identify')).toEqual([
        expect.objectContaining({ anonymousId: first.anonymousId, userId: 'user-3', traits: { plan: 'pro' } }),
      ]);
      expect(await user(driver)).toMatchObject({ anonymousId: first.anonymousId, userId: 'user-3', traits: { plan: 'pro' } });

      // Later events of the page carry the same visitor; delivery goes on from memory.
      await track(driver, ['no_idb_2']);
      await flush(driver);
      expect((await arrived(app, ['no_idb_2'])).find((e) => e.event === 'no_idb_2')).toMatchObject({
        anonymousId: first.anonymousId,
        userId: 'user-3',
      });
      expect(app.events.filter((e) => e.duplicate)).toEqual([]);
      expect(await run(driver, () => window.pageErrors)).toEqual([]);

      // In memory only: the next page load is a new visitor, and works the same.
      await open(driver, `${app.url}/webkit/no-indexeddb.html?break=${mode}&analytics=granted`);
      const next = await user(driver);
      expect(next.anonymousId).toMatch(UUID_V4);
      expect(next.anonymousId).not.toBe(first.anonymousId);
      await track(driver, ['no_idb_3']);
      await flush(driver);
      expect((await arrived(app, ['no_idb_3'])).find((e) => e.event === 'no_idb_3')!.anonymousId).toBe(next.anonymousId);
      expect(await run(driver, () => window.pageErrors)).toEqual([]);
    });
  }
});
