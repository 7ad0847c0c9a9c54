import { expect, test } from '@playwright/test';
import { durableUrl, flush, openDurable, reportsOf, trackMany, useFaultyCollector, waitForPrefix, withPrefix } from './helpers';

// Issue 5, unload and offline: on pagehide / hidden what is queued leaves by sendBeacon in
// chunks of at most 60 KB; what could not be handed over is sent by the next page of the
// origin. While navigator.onLine is false nothing is sent; `online` resumes sending.
const collectors = useFaultyCollector();

// A flush interval longer than any test: only unload (or flush) can send.
const SLOW = { flushIntervalMs: 60_000, retryBaseMs: 50, maxRetryDelayMs: 200 };
const CHUNK = 60 * 1024;

test.describe('delivery on unload and offline', () => {
  test('20 events tracked right before the page is left all arrive, once each', async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors, { delivery: SLOW });
    const sent = await trackMany(page, 'leave', 20);
    await page.goto(`${app.url}/blank.html`);

    const events = await waitForPrefix(app, 'leave', 20);
    expect(events.map((e) => e.event)).toEqual(sent);
    expect(new Set(events.map((e) => e.messageId)).size).toBe(20);
    expect(events.filter((e) => e.duplicate)).toEqual([]);
    for (const attempt of app.attempts) expect(attempt.bytes).toBeLessThanOrEqual(CHUNK);
  });

  test('events the site tracks in its own pagehide listeners arrive once, though no page of the site follows', async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors, { delivery: SLOW });
    await page.evaluate(() => {
      // Time-on-page and "left" events: a listener that runs before acquaint's own (capture), one after.
      addEventListener('pagehide', () => window.acquaint!.track('left_before'), true);
      addEventListener('pagehide', () => window.acquaint!.track('left_after'));
    });
    await page.goto(`${app.url}/blank.html`);

    const events = await waitForPrefix(app, 'left', 2);
    expect(events.map((e) => e.event).sort()).toEqual(['left_after', 'left_before']);
    expect(new Set(events.map((e) => e.messageId)).size).toBe(2);
    expect(events.filter((e) => e.duplicate)).toEqual([]);
  });

  test('leaving for another page of the same origin: the 20 arrive and the next page does not send them again', async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors, { delivery: SLOW });
    await trackMany(page, 'next', 20);
    await page.goto(durableUrl(collectors, { delivery: SLOW }));
    await page.evaluate(() => window.acquaint!.ready());
    await waitForPrefix(app, 'next', 20);
    // Whatever the next page adopted has been attempted once these are through.
    await flush(page);
    await trackMany(page, 'marker', 1);
    await flush(page);
    await waitForPrefix(app, 'marker', 1);

    expect(withPrefix(app, 'next')).toHaveLength(20);
    expect(app.events.filter((e) => e.duplicate)).toEqual([]);
  });

  test('a queue larger than one beacon leaves in chunks of at most 60 KB; the rest is sent by the next page load', async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors, { delivery: SLOW });
    const padding = 'x'.repeat(1500);
    await trackMany(page, 'big', 120, { padding }); // ~200 KB: more than the 64 KB keepalive budget
    await page.goto(`${app.url}/blank.html`);
    await expect.poll(() => app.requests, { message: 'waiting for the unload beacon' }).toBeGreaterThan(0);
    const unloadAttempts = app.attempts.slice();
    for (const attempt of unloadAttempts) expect(attempt.bytes).toBeLessThanOrEqual(CHUNK);

    // The next page load of the origin sends what the beacons could not carry.
    await openDurable(page, collectors, { delivery: SLOW });
    await flush(page);
    const events = await waitForPrefix(app, 'big', 120);
    expect(events).toHaveLength(120);
    expect(new Set(events.map((e) => e.event)).size).toBe(120);
    expect(events.filter((e) => e.duplicate)).toEqual([]);
    expect(events.every((e) => e.properties.padding === padding && e.context.page.path === '/durable.html')).toBe(true);
  });

  test('visibilitychange to hidden hands the queue over without leaving the page', async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors, { delivery: SLOW });
    await trackMany(page, 'hidden', 3);
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      Object.defineProperty(document, 'hidden', { value: true, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const events = await waitForPrefix(app, 'hidden', 3);
    expect(events.filter((e) => e.duplicate)).toEqual([]);
  });

  test('offline: nothing is sent while navigator.onLine is false; the online event resumes sending', async ({ page, context }) => {
    const { app } = collectors;
    // Backoff of 30 s or more: an attempt made while offline would keep the events out of this test.
    await openDurable(page, collectors, { delivery: { flushIntervalMs: 100, retryBaseMs: 30_000, maxRetryDelayMs: 60_000 } });
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/v1/batch')) posts.push(request.url());
    });
    await context.setOffline(true);
    await page.waitForFunction(() => !navigator.onLine);
    await trackMany(page, 'offline', 5);
    // Absence cannot be awaited: flush() (which must not send while offline) or at most 1 s,
    // ten flush intervals, whichever comes first.
    await page.evaluate(() => Promise.race([window.acquaint!.flush(), new Promise((resolve) => setTimeout(resolve, 1000))]));
    expect(posts).toEqual([]);
    expect(app.requests).toBe(0);
    expect((await reportsOf(page)).filter((r) => r.type === 'error')).toEqual([]);

    await context.setOffline(false);
    const events = await waitForPrefix(app, 'offline', 5);
    expect(events.map((e) => e.event)).toEqual(['offline_0', 'offline_1', 'offline_2', 'offline_3', 'offline_4']);
    expect(events.filter((e) => e.duplicate)).toEqual([]);
  });
});
