import { expect, test } from '@playwright/test';
import { UUID_V4, useFaultyCollector, waitForReport, watchPage } from './helpers';
import { grantIdentifyAndTrack } from './page-scenarios';
import {
  acquaintKeys,
  arrived,
  databases,
  grant,
  openIdentity,
  queueRecords,
  reloadReady,
  sendOne,
  storedProfile,
  storeEntries,
  track,
  user,
} from './identity-helpers';

// Issue 4, identity in one tab: the anonymousId lives in memory until a storage purpose is
// granted, then in IndexedDB (`acquaint-identity`), and comes back on the next load before any
// event leaves; identify, reset and forget as the collector and the device see them.
// The pages come from a second server, so a page can load while the collector is down.
const collectors = useFaultyCollector({ separateSite: true });

test.describe('the anonymousId and consent', () => {
  test('nothing is written before consent; the grant stores the anonymousId the page already had', async ({ page }) => {
    await openIdentity(page, collectors, { analytics: 'pending' });
    const before = await user(page);
    expect(before.anonymousId).toMatch(UUID_V4);
    await track(page, 'held_0');
    await page.evaluate(() => void (window.dataLayer as unknown[]).push({ event: 'held_1', value: 1 }));
    await page.evaluate(() => window.acquaint!.flush());
    expect(await databases(page)).toEqual([]);
    expect(await acquaintKeys(page)).toEqual([]);
    expect(await page.evaluate(() => document.cookie)).toBe('');

    await grant(page);
    await expect.poll(() => databases(page)).toContain('acquaint-identity');
    await expect.poll(async () => (await storedProfile(page))?.anonymousId).toBe(before.anonymousId);
    expect((await user(page)).anonymousId).toBe(before.anonymousId);
    // The events held while pending leave with that id.
    expect((await arrived(collectors, 'held_0')).anonymousId).toBe(before.anonymousId);
    expect((await arrived(collectors, 'held_1')).anonymousId).toBe(before.anonymousId);
  });

  test('the anonymousId survives reloads after consent: events of every load carry it', async ({ page }) => {
    await openIdentity(page, collectors, { analytics: 'pending' });
    await grant(page);
    const first = await sendOne(page, collectors, 'load_1');
    expect(first.anonymousId).toMatch(UUID_V4);
    await expect.poll(async () => (await storedProfile(page))?.anonymousId).toBe(first.anonymousId);

    await reloadReady(page);
    expect((await user(page)).anonymousId).toBe(first.anonymousId);
    expect((await sendOne(page, collectors, 'load_2')).anonymousId).toBe(first.anonymousId);
    await reloadReady(page);
    expect((await sendOne(page, collectors, 'load_3')).anonymousId).toBe(first.anonymousId);
  });

  test('with analytics pending the id lives in memory: a reload starts a new one', async ({ page }) => {
    await openIdentity(page, collectors, { analytics: 'pending' });
    const first = await user(page);
    await track(page, 'memory_1');
    await reloadReady(page);
    const second = await user(page);
    expect(second.anonymousId).toMatch(UUID_V4);
    expect(second.anonymousId).not.toBe(first.anonymousId);
    expect(await databases(page)).toEqual([]);

    await grant(page);
    expect((await sendOne(page, collectors, 'memory_2')).anonymousId).toBe(second.anonymousId);
    expect(collectors.app.events.filter((e) => e.anonymousId === first.anonymousId)).toEqual([]);
  });

  test('a returning visitor: the automatic page view and events pushed before acquaint loaded leave with the stored ids and session', async ({
    page,
  }) => {
    await openIdentity(page, collectors);
    await page.evaluate(() => window.acquaint!.identify('user-early', { plan: 'pro' }));
    const known = await user(page);
    await expect.poll(async () => (await storedProfile(page))?.userId).toBe('user-early');

    await openIdentity(page, collectors, { early: ['early_0', 'early_1'], autoPage: true });
    await page.evaluate(() => window.acquaint!.flush());
    await expect.poll(() => collectors.app.events.filter((e) => e.type === 'page').length).toBe(1);
    const autoPage = collectors.app.events.find((e) => e.type === 'page')!;
    for (const event of [autoPage, await arrived(collectors, 'early_0'), await arrived(collectors, 'early_1')]) {
      expect(event.anonymousId).toBe(known.anonymousId);
      expect(event.context.sessionId).toBe(known.sessionId);
      expect(event.userId, `${event.type} ${event.event ?? ''}`).toBe('user-early');
    }
  });
});

test.describe('identify and reset', () => {
  test('identify sends an identify event with both ids; later events carry the userId', async ({ page }) => {
    await openIdentity(page, collectors);
    const before = await sendOne(page, collectors, 'before_identify');
    expect(before.userId).toBeNull();
    await page.evaluate(() => window.acquaint!.identify('user-42', { plan: 'pro' }));
    const after = await sendOne(page, collectors, 'after_identify');

    const identifies = collectors.app.events.filter((e) => e.type === 'identify');
    expect(identifies).toHaveLength(1);
    expect(identifies[0]).toMatchObject({ userId: 'user-42', anonymousId: before.anonymousId, traits: { plan: 'pro' } });
    expect(identifies[0]!.context.sessionId).toBe(before.context.sessionId);
    expect(after).toMatchObject({ userId: 'user-42', anonymousId: before.anonymousId });
    expect(await user(page)).toMatchObject({
      anonymousId: before.anonymousId,
      userId: 'user-42',
      traits: { plan: 'pro' },
      sessionId: before.context.sessionId,
    });
  });

  test('userId and merged traits are restored after a reload', async ({ page }) => {
    await openIdentity(page, collectors);
    const { anonymousId } = await user(page);
    await page.evaluate(() => {
      window.acquaint!.identify('user-7', { plan: 'free', name: 'Ada' });
      window.acquaint!.identify('user-7', { plan: 'pro' });
    });
    await expect.poll(async () => (await storedProfile(page))?.traits).toEqual({ plan: 'pro', name: 'Ada' });

    await reloadReady(page);
    expect(await user(page)).toMatchObject({ anonymousId, userId: 'user-7', traits: { plan: 'pro', name: 'Ada' } });
    expect(await sendOne(page, collectors, 'after_reload')).toMatchObject({ anonymousId, userId: 'user-7' });
  });

  test('identify before consent is kept in memory and stored at the grant', async ({ page }) => {
    await openIdentity(page, collectors, { analytics: 'pending' });
    await page.evaluate(() => window.acquaint!.identify('user-9', { plan: 'team' }));
    const { anonymousId } = await user(page);
    expect(await databases(page)).toEqual([]);
    expect(await acquaintKeys(page)).toEqual([]);

    await grant(page);
    await expect.poll(async () => (await storedProfile(page))?.userId).toBe('user-9');
    await expect.poll(() => collectors.app.events.filter((e) => e.type === 'identify').length).toBe(1);
    expect(collectors.app.events.find((e) => e.type === 'identify')).toMatchObject({
      anonymousId,
      userId: 'user-9',
      traits: { plan: 'team' },
    });

    await reloadReady(page);
    expect(await user(page)).toMatchObject({ anonymousId, userId: 'user-9', traits: { plan: 'team' } });
  });

  test('reset gives a new anonymousId and no userId, on the wire and in user(), and it persists across a reload', async ({ page }) => {
    await openIdentity(page, collectors);
    await page.evaluate(() => window.acquaint!.identify('user-1', { plan: 'pro' }));
    const known = await sendOne(page, collectors, 'logged_in');
    expect(known.userId).toBe('user-1');

    await page.evaluate(() => window.acquaint!.reset());
    const fresh = await user(page);
    expect(fresh.anonymousId).toMatch(UUID_V4);
    expect(fresh.anonymousId).not.toBe(known.anonymousId);
    expect(fresh).toMatchObject({ userId: null, traits: {} });
    expect(await sendOne(page, collectors, 'logged_out')).toMatchObject({ anonymousId: fresh.anonymousId, userId: null });
    await expect.poll(async () => (await storedProfile(page))?.anonymousId).toBe(fresh.anonymousId);
    expect(await storedProfile(page)).toMatchObject({ userId: null, traits: {} });

    await reloadReady(page);
    expect(await user(page)).toMatchObject({ anonymousId: fresh.anonymousId, userId: null, traits: {} });
    expect(await sendOne(page, collectors, 'next_load')).toMatchObject({ anonymousId: fresh.anonymousId, userId: null });
  });
});

test.describe('forget', () => {
  test('forget empties both stores, the acquaint. keys and the consent choice; the next load is a first visit', async ({ page }) => {
    const { app } = collectors;
    await openIdentity(page, collectors, { analytics: 'pending' });
    await grant(page);
    await page.evaluate(() => window.acquaint!.identify('user-5', { plan: 'pro' }));
    const old = await user(page);
    await page.evaluate(() => window.acquaint!.flush());
    await expect.poll(() => app.events.filter((e) => e.type === 'identify').length).toBe(1);
    await app.down();
    await track(page, 'forgotten_0');
    await track(page, 'forgotten_1');
    await waitForReport(page, { type: 'error', retry: true });
    await expect.poll(() => queueRecords(page)).toBeGreaterThan(0);
    await expect.poll(async () => (await storedProfile(page))?.userId).toBe('user-5');
    expect(await acquaintKeys(page)).toContain('acquaint.consent');

    await page.evaluate(() => window.acquaint!.forget());
    expect(await storeEntries(page, 'acquaint-identity', 'profile')).toEqual([]);
    expect(await storeEntries(page, 'acquaint-queue', 'records')).toEqual([]);
    expect(await acquaintKeys(page)).toEqual([]);
    expect(await page.evaluate(() => window.acquaint!.consent.get().analytics)).toBe('pending');
    const after = await user(page);
    expect(after.anonymousId).not.toBe(old.anonymousId);
    expect(after).toMatchObject({ userId: null, traits: {} });

    await app.up();
    await reloadReady(page);
    expect(await page.evaluate(() => window.acquaint!.consent.get().analytics)).toBe('pending');
    const next = await user(page);
    expect(next.anonymousId).not.toBe(old.anonymousId);
    expect(next).toMatchObject({ userId: null, traits: {} });
    expect(await storedProfile(page)).toBeNull();
    await grant(page);
    expect(await sendOne(page, collectors, 'first_visit')).toMatchObject({ anonymousId: next.anonymousId, userId: null });
    // What was queued when the visitor forgot never leaves; only the identify sent before did.
    expect(app.events.filter((e) => e.event?.startsWith('forgotten_'))).toEqual([]);
    expect(app.events.filter((e) => e.anonymousId === old.anonymousId).map((e) => e.type)).toEqual(['identify']);
  });

  test('with a default that grants analytics, forget starts a new identity and the next load does not bring the old one back', async ({
    page,
  }) => {
    await openIdentity(page, collectors);
    await page.evaluate(() => window.acquaint!.identify('user-6', { plan: 'pro' }));
    const old = await user(page);
    await expect.poll(async () => (await storedProfile(page))?.userId).toBe('user-6');

    await page.evaluate(() => window.acquaint!.forget());
    const after = await user(page);
    expect(after.anonymousId).not.toBe(old.anonymousId);
    expect(after).toMatchObject({ userId: null, traits: {} });
    const stored = await storedProfile(page);
    expect(stored?.anonymousId).not.toBe(old.anonymousId);
    expect(stored?.userId ?? null).toBeNull();

    await reloadReady(page);
    const next = await user(page);
    expect(next.anonymousId).not.toBe(old.anonymousId);
    expect(next).toMatchObject({ userId: null, traits: {} });
    expect(await sendOne(page, collectors, 'after_forget')).toMatchObject({ anonymousId: next.anonymousId, userId: null });
  });
});

test.describe('sessions', () => {
  test('the sessionId is kept across reloads while the visitor is active within the timeout', async ({ page }) => {
    await page.clock.install();
    await openIdentity(page, collectors);
    const first = await sendOne(page, collectors, 'session_1');
    expect(first.context.sessionId).toMatch(UUID_V4);
    for (const name of ['session_2', 'session_3']) {
      await page.clock.fastForward('20:00');
      await reloadReady(page);
      expect((await sendOne(page, collectors, name)).context.sessionId).toBe(first.context.sessionId);
    }
    expect((await user(page)).sessionId).toBe(first.context.sessionId);
  });

  test('a new sessionId after 31 minutes without activity, in the page and across a reload', async ({ page }) => {
    await page.clock.install();
    await openIdentity(page, collectors);
    const first = await sendOne(page, collectors, 'idle_1');
    await page.clock.fastForward('31:00');
    const second = await sendOne(page, collectors, 'idle_2');
    expect(second.context.sessionId).toMatch(UUID_V4);
    expect(second.context.sessionId).not.toBe(first.context.sessionId);
    expect(second.anonymousId).toBe(first.anonymousId);

    await reloadReady(page);
    expect((await sendOne(page, collectors, 'idle_3')).context.sessionId).toBe(second.context.sessionId);
    await page.clock.fastForward('31:00');
    await reloadReady(page);
    const fourth = await sendOne(page, collectors, 'idle_4');
    expect([first.context.sessionId, second.context.sessionId]).not.toContain(fourth.context.sessionId);
    expect(fourth.anonymousId).toBe(first.anonymousId);
    expect((await user(page)).sessionId).toBe(fourth.context.sessionId);
  });

  test('identity.sessionTimeoutMinutes: 1 ends the session after a minute without activity', async ({ page }) => {
    await page.clock.install();
    await openIdentity(page, collectors, { identity: { sessionTimeoutMinutes: 1 } });
    const first = await sendOne(page, collectors, 'short_1');
    await page.clock.fastForward('00:50');
    expect((await sendOne(page, collectors, 'short_2')).context.sessionId).toBe(first.context.sessionId);
    await page.clock.fastForward('01:01');
    const third = await sendOne(page, collectors, 'short_3');
    expect(third.context.sessionId).not.toBe(first.context.sessionId);
    expect(third.anonymousId).toBe(first.anonymousId);
  });
});

test.describe('id lifetime', () => {
  test('identity.idTtlDays: an identity unused longer than that is not adopted; one used within it is', async ({ page }) => {
    await page.clock.install();
    await openIdentity(page, collectors, { identity: { idTtlDays: 2 } });
    await page.evaluate(() => window.acquaint!.identify('user-ttl'));
    const first = await sendOne(page, collectors, 'ttl_1');
    await page.clock.fastForward('36:00:00');
    await reloadReady(page);
    expect(await user(page)).toMatchObject({ anonymousId: first.anonymousId, userId: 'user-ttl' });
    await sendOne(page, collectors, 'ttl_2');

    await page.clock.fastForward('49:00:00');
    await reloadReady(page);
    const expired = await user(page);
    expect(expired.anonymousId).toMatch(UUID_V4);
    expect(expired.anonymousId).not.toBe(first.anonymousId);
    expect(expired).toMatchObject({ userId: null, traits: {} });
    expect(await sendOne(page, collectors, 'ttl_3')).toMatchObject({ anonymousId: expired.anonymousId, userId: null });
    await expect.poll(async () => (await storedProfile(page))?.anonymousId).toBe(expired.anonymousId);
  });
});

test.describe('IndexedDB unavailable', () => {
  const breakers: Record<string, () => void> = {
    'indexedDB throws on access': () => {
      Object.defineProperty(window, 'indexedDB', {
        get() {
          throw new DOMException('blocked', 'SecurityError');
        },
      });
    },
    'indexedDB.open throws': () => {
      IDBFactory.prototype.open = function open(): IDBOpenDBRequest {
        throw new DOMException('blocked', 'SecurityError');
      };
    },
    'indexedDB is undefined': () => {
      Object.defineProperty(window, 'indexedDB', { value: undefined });
    },
  };
  for (const [name, breakIndexedDB] of Object.entries(breakers)) {
    test(`${name}: the page keeps working, events arrive and user() answers`, async ({ page }) => {
      const log = watchPage(page);
      await page.addInitScript(breakIndexedDB);
      await openIdentity(page, collectors, { analytics: 'pending' });
      const thrown = await page.evaluate(grantIdentifyAndTrack);
      expect(thrown).toEqual([]);
      await page.evaluate(() => window.acquaint!.flush());
      const first = await arrived(collectors, 'no_idb_1');
      expect(first).toMatchObject({ userId: 'user-3' });
      expect(first.anonymousId).toMatch(UUID_V4);
      await expect.poll(() => collectors.app.events.filter((e) => e.type === 'identify').length).toBe(1);
      expect(collectors.app.events.find((e) => e.type === 'identify')).toMatchObject({
        anonymousId: first.anonymousId,
        userId: 'user-3',
        traits: { plan: 'pro' },
      });
      expect(await user(page)).toMatchObject({ anonymousId: first.anonymousId, userId: 'user-3', traits: { plan: 'pro' } });
      expect(await sendOne(page, collectors, 'no_idb_2')).toMatchObject({ anonymousId: first.anonymousId, userId: 'user-3' });
      await page.evaluate(() => window.acquaint!.reset());
      expect((await sendOne(page, collectors, 'no_idb_3')).anonymousId).not.toBe(first.anonymousId);
      await page.evaluate(() => window.acquaint!.forget());
      expect((await user(page)).userId).toBeNull();
      expect(log.pageErrors).toEqual([]);
      expect(log.errors).toEqual([]);
    });
  }

  test('a database without the expected object store leaves identity in memory, with one debug line', async ({ page }) => {
    const log = watchPage(page);
    const debugLines: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'debug') debugLines.push(message.text());
    });
    // A leftover acquaint-identity database (version 1, no `profile` store) created before acquaint runs.
    await page.addInitScript(() => {
      if (location.protocol !== 'http:') return; // not in the initial about:blank, where IndexedDB throws
      const request = indexedDB.open('acquaint-identity', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('other');
      request.onsuccess = () => request.result.close();
    });
    await openIdentity(page, collectors, { debug: true });
    const first = await sendOne(page, collectors, 'odd_db_1');
    await page.evaluate(() => window.acquaint!.identify('user-4'));
    expect((await sendOne(page, collectors, 'odd_db_2')).userId).toBe('user-4');
    expect(await user(page)).toMatchObject({ anonymousId: first.anonymousId, userId: 'user-4' });
    expect(log.pageErrors).toEqual([]);
    expect(debugLines.filter((line) => line.includes('identity stays in memory'))).toHaveLength(1);
  });

  test('a missing indexedDB is reported by one debug line', async ({ page }) => {
    const debugLines: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'debug') debugLines.push(message.text());
    });
    await page.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined }));
    await openIdentity(page, collectors, { debug: true });
    await sendOne(page, collectors, 'debug_1');
    await page.evaluate(() => window.acquaint!.identify('user-8'));
    await sendOne(page, collectors, 'debug_2');
    expect(debugLines.filter((line) => /identity stays in memory/.test(line))).toHaveLength(1);
  });
});
