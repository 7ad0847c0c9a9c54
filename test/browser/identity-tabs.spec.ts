import { expect, test } from '@playwright/test';
import { UUID_V4, useFaultyCollector } from './helpers';
import { arrived, identityUrl, openIdentity, ready, sendOne, slowIndexedDbReads, storedProfile, track, user } from './identity-helpers';

// Issue 4, several tabs of one visitor (one browser context): two tabs opened at once on a new
// visitor end with one anonymousId (Web Lock around read-or-create), and identify, reset and
// forget in one tab reach the others (BroadcastChannel `acquaint-identity`).
const collectors = useFaultyCollector({ separateSite: true });

test.describe('identity in several tabs', () => {
  for (const slow of [false, true]) {
    test(`two tabs opened at once on a new visitor end with one anonymousId, on their events too${slow ? ', even when IndexedDB reads are slow' : ''}`, async ({
      page,
      context,
    }) => {
      if (slow) await context.addInitScript(slowIndexedDbReads);
      const other = await context.newPage();
      await Promise.all([
        page.goto(identityUrl(collectors, { early: ['tabA_open'] })),
        other.goto(identityUrl(collectors, { early: ['tabB_open'] })),
      ]);
      await Promise.all([ready(page), ready(other)]);

      const [a, b] = await Promise.all([user(page), user(other)]);
      expect(a.anonymousId).toMatch(UUID_V4);
      expect(b.anonymousId).toBe(a.anonymousId);
      expect((await storedProfile(page))?.anonymousId).toBe(a.anonymousId);
      // What each tab pushed before acquaint loaded left with the shared id.
      expect((await arrived(collectors, 'tabA_open')).anonymousId).toBe(a.anonymousId);
      expect((await arrived(collectors, 'tabB_open')).anonymousId).toBe(a.anonymousId);
      expect((await sendOne(page, collectors, 'tabA_later')).anonymousId).toBe(a.anonymousId);
      expect((await sendOne(other, collectors, 'tabB_later')).anonymousId).toBe(a.anonymousId);
    });
  }

  test('identify in one tab is seen by the other, whose next events carry the userId', async ({ page, context }) => {
    const other = await context.newPage();
    await openIdentity(page, collectors);
    await openIdentity(other, collectors);
    const { anonymousId } = await user(page);

    await page.evaluate(() => window.acquaint!.identify('user-tabs', { plan: 'pro' }));
    await expect.poll(() => user(other)).toMatchObject({ anonymousId, userId: 'user-tabs', traits: { plan: 'pro' } });
    expect(await sendOne(other, collectors, 'other_tab')).toMatchObject({ anonymousId, userId: 'user-tabs' });
  });

  test('reset in one tab gives the other the same new anonymousId and no userId', async ({ page, context }) => {
    const other = await context.newPage();
    await openIdentity(page, collectors);
    await openIdentity(other, collectors);
    await page.evaluate(() => window.acquaint!.identify('user-out'));
    await expect.poll(async () => (await user(other)).userId).toBe('user-out');
    const old = await user(page);

    await other.evaluate(() => window.acquaint!.reset());
    const fresh = await user(other);
    expect(fresh.anonymousId).not.toBe(old.anonymousId);
    await expect.poll(() => user(page)).toMatchObject({ anonymousId: fresh.anonymousId, userId: null, traits: {} });
    expect(await sendOne(page, collectors, 'after_reset')).toMatchObject({ anonymousId: fresh.anonymousId, userId: null });
  });

  test('a tab that learned of a newer identify does not overwrite it with its older state', async ({ page, context }) => {
    await page.clock.install();
    const other = await context.newPage();
    await openIdentity(page, collectors);
    await openIdentity(other, collectors);
    await other.evaluate(() => window.acquaint!.identify('user-newer', { plan: 'pro' }));
    await expect.poll(async () => (await user(page)).userId).toBe('user-newer');

    // Activity in the first tab long enough after its last save that it saves again.
    const saved = (await storedProfile(page))!.lastActivity;
    await page.clock.fastForward('00:15');
    await track(page, 'activity');
    await expect.poll(async () => (await storedProfile(page))?.lastActivity).toBeGreaterThan(saved);
    expect(await storedProfile(page)).toMatchObject({ userId: 'user-newer', traits: { plan: 'pro' } });

    const third = await context.newPage();
    await openIdentity(third, collectors);
    expect(await user(third)).toMatchObject({ userId: 'user-newer', traits: { plan: 'pro' } });
  });

  test('forget in one tab: the other tab drops the forgotten ids and does not store them again', async ({ page, context }) => {
    await page.clock.install();
    const other = await context.newPage();
    await openIdentity(page, collectors, { analytics: 'pending' });
    await page.evaluate(() => window.acquaint!.consent.update({ analytics: 'granted' }));
    await openIdentity(other, collectors, { analytics: 'pending' });
    await page.evaluate(() => window.acquaint!.identify('user-gone', { plan: 'pro' }));
    await expect.poll(async () => (await user(other)).userId).toBe('user-gone');
    const old = await user(page);

    await page.evaluate(() => window.acquaint!.forget());
    await expect.poll(async () => (await user(other)).anonymousId).not.toBe(old.anonymousId);
    expect(await user(other)).toMatchObject({ userId: null, traits: {} });

    await page.clock.fastForward('00:15');
    await track(other, 'after_forget');
    await other.evaluate(() => window.acquaint!.flush());
    const stored = await storedProfile(other);
    expect(stored?.anonymousId).not.toBe(old.anonymousId);
    expect(stored?.userId ?? null).toBeNull();
    expect(
      collectors.app.events.filter((e) => e.event === 'after_forget' && (e.anonymousId === old.anonymousId || e.userId !== null)),
    ).toEqual([]);
  });
});
