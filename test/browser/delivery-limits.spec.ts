import { expect, test, type Page } from '@playwright/test';
import { flush, openDurable, reportsOf, trackMany, useFaultyCollector, waitForPrefix, waitForReport, withPrefix } from './helpers';

// Issue 5, bounds: batches of at most 500 events / ~500 KB; queues bounded in count and bytes
// (oldest dropped first, reported 'queue_full'); events older than maxAgeHours reported
// 'expired'. Nothing accepted goes missing without a 'dropped' report.
const collectors = useFaultyCollector({ separateSite: true });

const FAST = { flushIntervalMs: 100, retryBaseMs: 50, maxRetryDelayMs: 200 };

/** Every messageId reported dropped with `reason` (optionally for one destination). */
async function droppedIds(page: Page, reason: string, destination?: string): Promise<string[]> {
  return (await reportsOf(page))
    .filter((r) => r.type === 'dropped' && r.reason === reason && (destination === undefined || r.destination === destination))
    .flatMap((r) => r.messageIds ?? []);
}

test.describe('delivery limits', () => {
  test('a backlog of 1,200 events leaves in batches of at most 500, in order, each once', async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors, { delivery: { ...FAST, flushIntervalMs: 60_000 } });
    const sent = await trackMany(page, 'bulk', 1200);
    await flush(page);
    const events = await waitForPrefix(app, 'bulk', 1200);
    expect(events.map((e) => e.event)).toEqual(sent);
    expect(events.filter((e) => e.duplicate)).toEqual([]);
    expect(app.attempts.length).toBeGreaterThanOrEqual(3);
    for (const attempt of app.attempts) expect(attempt.messageIds.length).toBeLessThanOrEqual(500);
  });

  test('big events leave in requests of about 500 KB at most', async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors, { delivery: { ...FAST, flushIntervalMs: 60_000 } });
    await trackMany(page, 'heavy', 100, { padding: 'y'.repeat(10_000) }); // ~1 MB in all
    await flush(page);
    await waitForPrefix(app, 'heavy', 100);
    expect(app.attempts.length).toBeGreaterThanOrEqual(2);
    for (const attempt of app.attempts) expect(attempt.bytes).toBeLessThanOrEqual(520_000);
    expect(app.attempts.every((a) => a.answer === 200)).toBe(true);
  });

  test('a full queue drops the oldest events, reported as queue_full; the newest arrive after recovery', async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors, { delivery: { ...FAST, maxQueueEvents: 5 } });
    await app.down();
    await trackMany(page, 'full', 8);
    await expect.poll(() => droppedIds(page, 'queue_full')).toHaveLength(3);
    await app.up();

    const events = await waitForPrefix(app, 'full', 5);
    expect(events.map((e) => e.event)).toEqual(['full_3', 'full_4', 'full_5', 'full_6', 'full_7']);
    const dropped = await droppedIds(page, 'queue_full');
    expect(dropped.filter((id) => events.some((e) => e.messageId === id))).toEqual([]);
    expect((await reportsOf(page)).find((r) => r.type === 'dropped')).toMatchObject({ destination: 'collector' });
  });

  test('by default a queue holds at most 10,000 events: the oldest beyond are dropped as queue_full', async ({ page }) => {
    test.setTimeout(60_000);
    const { app } = collectors;
    // No maxQueueEvents: the default applies (bytes raised so only the count bound acts).
    await openDurable(page, collectors, { delivery: { ...FAST, maxQueueBytes: 50_000_000 } });
    await app.down();
    await trackMany(page, 'dflt', 10_010);
    await waitForReport(page, { type: 'error', retry: true });
    await expect.poll(() => droppedIds(page, 'queue_full')).toHaveLength(10);
    await app.up();
    // One request at a time, each at most 200 KB: 10,000 events take a few dozen round trips.
    const events = await waitForPrefix(app, 'dflt', 10_000, 40_000);
    expect(events[0]!.event).toBe('dflt_10');
  });

  test('maxQueueBytes bounds the queue as well: accepted = arrived + reported dropped', async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors, { delivery: { ...FAST, maxQueueBytes: 6000 } });
    await app.down();
    await trackMany(page, 'bytes', 10, { padding: 'z'.repeat(1000) });
    await waitForReport(page, { type: 'dropped', reason: 'queue_full' });
    await waitForReport(page, { type: 'error', retry: true });
    await app.up();
    await flush(page);
    await trackMany(page, 'marker', 1);
    await flush(page);
    await waitForPrefix(app, 'marker', 1);

    const arrived = withPrefix(app, 'bytes');
    const dropped = await droppedIds(page, 'queue_full');
    expect(arrived.length).toBeGreaterThan(0);
    expect(arrived.length).toBeLessThan(10);
    expect(arrived.length + dropped.length).toBe(10);
    // The oldest went first: what arrived is the newest run.
    expect(arrived.map((e) => e.event)).toEqual(Array.from({ length: arrived.length }, (_, k) => `bytes_${10 - arrived.length + k}`));
  });

  test("a destination's own delivery settings override the top-level ones", async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors, {
      delivery: FAST,
      destinations: [{ id: 'small', delivery: { maxQueueEvents: 2 } }, { id: 'big' }],
    });
    await app.down();
    await trackMany(page, 'over', 5);
    await expect.poll(() => droppedIds(page, 'queue_full', 'small')).toHaveLength(3);
    await app.up();

    await waitForPrefix(app, 'over', 7);
    expect(
      withPrefix(app, 'over')
        .filter((e) => e.receivedBy === 'small')
        .map((e) => e.event),
    ).toEqual(['over_3', 'over_4']);
    expect(withPrefix(app, 'over').filter((e) => e.receivedBy === 'big')).toHaveLength(5);
    expect(await droppedIds(page, 'queue_full', 'big')).toEqual([]);
  });

  test('a queued event older than maxAgeHours (72 by default) is dropped as expired at its next attempt, not sent', async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors);
    await app.down();
    await trackMany(page, 'old', 3);
    const failed = await waitForReport(page, { type: 'error', retry: true });
    // Three days and an hour later in this page: the next retry finds the events too old.
    await page.clock.setSystemTime(Date.now() + 73 * 3600_000);
    await expect.poll(async () => (await droppedIds(page, 'expired')).sort()).toEqual([...failed.messageIds!].sort());
    await app.up();
    await trackMany(page, 'marker', 1);
    await flush(page);
    await waitForPrefix(app, 'marker', 1);
    expect(withPrefix(app, 'old')).toEqual([]);
  });

  test('events left in IndexedDB that are older than maxAgeHours are dropped as expired by the next page load', async ({ page }) => {
    const { app, site } = collectors;
    await openDurable(page, collectors);
    await app.down();
    await trackMany(page, 'stale', 3);
    const failed = await waitForReport(page, { type: 'error', retry: true });
    await page.goto(`${site.url}/blank.html`);
    // The site is opened again three days and an hour later.
    await page.clock.setSystemTime(Date.now() + 73 * 3600_000);
    await openDurable(page, collectors);
    await expect.poll(async () => (await droppedIds(page, 'expired')).sort()).toEqual([...failed.messageIds!].sort());
    await app.up();
    await trackMany(page, 'marker', 1);
    await flush(page);
    await waitForPrefix(app, 'marker', 1);
    expect(withPrefix(app, 'stale')).toEqual([]);
  });
});
