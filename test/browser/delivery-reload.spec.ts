import { expect, test, type Page } from '@playwright/test';
import { flush, openDurable, trackMany, useFaultyCollector, waitForPrefix, waitForReport } from './helpers';

// Issue 5, durable queues: once a storage purpose is granted the queue lives in IndexedDB
// (`acquaint-queue`) and survives a reload; before that nothing is written to IndexedDB.
// The pages come from a second server, so they load while the collector is down.
const collectors = useFaultyCollector({ separateSite: true });

const databases = (page: Page): Promise<string[]> => page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? ''));

test.describe('delivery across reloads', () => {
  test('events queued while the collector is down survive a reload and arrive after it recovers, with their messageIds', async ({
    page,
  }) => {
    const { app } = collectors;
    await openDurable(page, collectors);
    await app.down();
    await trackMany(page, 'reload', 5);
    // The page has tried and knows the collector is unreachable before it goes away.
    const failed = await waitForReport(page, { type: 'error', retry: true });
    expect(failed.messageIds).toHaveLength(5);
    expect(await databases(page)).toContain('acquaint-queue');

    await page.reload();
    await page.evaluate(() => window.acquaint!.ready());
    await app.up();

    const events = await waitForPrefix(app, 'reload', 5);
    // Same events, same messageIds (what arrives is in event-time order; the order of events of
    // one millisecond is not kept across a reload, and the spec does not ask for it).
    expect(events.map((e) => e.event).sort()).toEqual(['reload_0', 'reload_1', 'reload_2', 'reload_3', 'reload_4']);
    expect(events.map((e) => e.messageId).sort()).toEqual([...failed.messageIds!].sort());
    expect(events.map((e) => e.timestamp)).toEqual(events.map((e) => e.timestamp).sort());
    expect(events.filter((e) => e.duplicate)).toEqual([]);
    expect(events.every((e) => e.context.page.path === '/durable.html')).toBe(true);
    // Sent by the reloaded page: it reports them delivered.
    const delivered = await waitForReport(page, { type: 'delivered' });
    expect([...delivered.messageIds!].sort()).toEqual([...failed.messageIds!].sort());
  });

  test('events survive two reloads in a row while the collector stays down', async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors);
    await app.down();
    await trackMany(page, 'twice', 3);
    const failed = await waitForReport(page, { type: 'error', retry: true });
    await page.reload();
    await page.evaluate(() => window.acquaint!.ready());
    await trackMany(page, 'twice_more', 2);
    await waitForReport(page, { type: 'error', retry: true });
    await page.reload();
    await page.evaluate(() => window.acquaint!.ready());
    await app.up();

    const events = await waitForPrefix(app, 'twice', 5);
    expect(events.map((e) => e.event).sort()).toEqual(['twice_0', 'twice_1', 'twice_2', 'twice_more_0', 'twice_more_1']);
    expect(events.filter((e) => e.duplicate)).toEqual([]);
    expect(
      events
        .filter((e) => !e.event!.startsWith('twice_more'))
        .map((e) => e.messageId)
        .sort(),
    ).toEqual([...failed.messageIds!].sort());
  });

  test('with analytics pending no IndexedDB database is created; granting it persists the queue', async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors, { analytics: 'pending' });
    await app.down();
    await trackMany(page, 'pending', 3);
    await flush(page);
    expect(await databases(page)).toEqual([]);
    expect(app.requests).toBe(0);

    await page.evaluate(() => window.acquaint!.consent.update({ analytics: 'granted' }));
    await waitForReport(page, { type: 'error', retry: true });
    await expect.poll(() => databases(page)).toContain('acquaint-queue');
    await app.up();
    const events = await waitForPrefix(app, 'pending', 3);
    expect(events.map((e) => e.context.consent.analytics)).toEqual(['granted', 'granted', 'granted']);
  });

  test('events held for a pending purpose are not persisted: after a reload and a grant only later events are sent', async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors, { analytics: 'pending' });
    await trackMany(page, 'held', 2);
    await flush(page);
    expect(await databases(page)).toEqual([]);
    await page.reload();
    await page.evaluate(() => window.acquaint!.ready());
    await page.evaluate(() => window.acquaint!.consent.update({ analytics: 'granted' }));
    await trackMany(page, 'granted', 1);
    await flush(page);
    await waitForPrefix(app, 'granted', 1);
    expect(app.events.filter((e) => e.event?.startsWith('held_'))).toEqual([]);
  });
});
