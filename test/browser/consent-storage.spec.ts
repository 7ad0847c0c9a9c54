import { expect, test, type Page } from '@playwright/test';
import {
  batchRequests,
  consentPage,
  consentState,
  deviceState,
  openAndReady,
  storedRecord,
  updateAndFlush,
  type DeviceState,
} from './consent-helpers';
import { ISO_TIME, names, useCollector, waitForEvents } from './helpers';

// Issue 3 §3, contract §5: before a storage purpose (analytics, personalization) is granted,
// acquaint sends nothing and stores nothing: no cookie, no localStorage or sessionStorage key,
// no IndexedDB database, compared with the same page without acquaint. The visitor's choice is
// the one thing stored once they choose (localStorage `acquaint.consent`), for the config's
// consent version. consent-storage.json: every purpose pending, version "2024-01";
// consent-storage-v2.json: the same with version "2025-06".
const collector = useCollector();
const V1 = '/consent-storage.json';
const V2 = '/consent-storage-v2.json';
const NOTHING_STORED: DeviceState = { cookie: '', localStorage: [], sessionStorage: [], indexedDB: [] };

/** Pushes through every entry point, then `acquaint.flush()`. */
async function pushSome(page: Page, prefix: string): Promise<void> {
  await page.evaluate(async (prefix) => {
    const gtag = (window as unknown as { gtag(...args: unknown[]): void }).gtag;
    (window.dataLayer as unknown[]).push({ event: `${prefix}_push`, value: 1 });
    window.acquaint!.track(`${prefix}_track`, { value: 2 });
    window.acquaint!.page({ name: `${prefix}_page` });
    gtag('event', `${prefix}_gtag`, { value: 3 });
    gtag('set', { user_plan: 'pro' });
    await window.acquaint!.flush();
  }, prefix);
}

test.describe('consent: storage', () => {
  test('sends nothing and stores nothing while every purpose is pending, as on the same page without acquaint', async ({
    page,
    context,
  }) => {
    const { app } = collector;
    const requests = batchRequests(page);
    await page.goto(consentPage(app, V1, { acquaint: false }));
    const baseline = await deviceState(page);
    expect(baseline).toEqual(NOTHING_STORED);

    await openAndReady(page, consentPage(app, V1));
    await pushSome(page, 'pending');
    expect(await consentState(page)).toEqual({
      necessary: 'granted',
      analytics: 'pending',
      marketing: 'pending',
      personalization: 'pending',
    });
    expect(await deviceState(page)).toEqual(baseline);
    expect(await context.cookies()).toEqual([]);

    // Leaving the page (pagehide, where queues are rescued) writes nothing either.
    await page.goto(consentPage(app, V1, { acquaint: false }));
    expect(await deviceState(page)).toEqual(baseline);
    expect(requests).toEqual([]);
    expect(app.requests).toBe(0);
  });

  test('granting analytics sends the held events, stores the choice with timestamp and version, and opens the IndexedDB queue', async ({
    page,
  }) => {
    const { app } = collector;
    await openAndReady(page, consentPage(app, V1));
    await pushSome(page, 'held');
    const before = Date.now();
    await updateAndFlush(page, { analytics: 'granted' });

    const events = await waitForEvents(app, 6);
    expect(names(events)).toEqual(['page', 'pre_load', 'held_push', 'held_track', 'page', 'held_gtag']);
    for (const event of events) expect(event.context.consent.analytics).toBe('granted');

    const record = (await storedRecord(page)) as { choices: unknown; timestamp: string; version: unknown };
    expect(record).toEqual({
      choices: { analytics: 'granted' },
      timestamp: expect.stringMatching(ISO_TIME) as unknown,
      version: '2024-01',
      source: 'api', // who chose: a consent receipt made from this record on a later page says so
    });
    expect(Date.parse(record.timestamp)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(record.timestamp)).toBeLessThanOrEqual(Date.now());
    await expect.poll(async () => (await deviceState(page)).indexedDB).toContain('acquaint-queue');
  });

  test('Reject all stores the choice but opens no IndexedDB database and sends nothing', async ({ page }) => {
    const { app } = collector;
    const requests = batchRequests(page);
    await openAndReady(page, consentPage(app, V1));
    await pushSome(page, 'rejected');
    await updateAndFlush(page, { analytics: 'denied', marketing: 'denied', personalization: 'denied' });
    await pushSome(page, 'after');

    expect(await storedRecord(page)).toEqual({
      choices: { analytics: 'denied', marketing: 'denied', personalization: 'denied' },
      timestamp: expect.stringMatching(ISO_TIME) as unknown,
      version: '2024-01',
      source: 'api',
    });
    expect(await deviceState(page)).toEqual({ ...NOTHING_STORED, localStorage: ['acquaint.consent'] });

    // Nor after a reload: the stored denial applies and still nothing else is written.
    await page.reload();
    await page.evaluate(() => window.acquaint!.ready());
    await pushSome(page, 'reloaded');
    expect(await consentState(page)).toEqual({ necessary: 'granted', analytics: 'denied', marketing: 'denied', personalization: 'denied' });
    expect(await deviceState(page)).toEqual({ ...NOTHING_STORED, localStorage: ['acquaint.consent'] });
    expect(requests).toEqual([]);
  });

  test('a reload restores the stored choice without storing it again, and events go out at once', async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, consentPage(app, V1));
    await updateAndFlush(page, { analytics: 'granted', marketing: 'denied' });
    const seen = (await waitForEvents(app, 2)).length;
    const record = await storedRecord(page);

    await page.reload();
    await page.evaluate(() => window.acquaint!.ready());
    expect(await consentState(page)).toEqual({
      necessary: 'granted',
      analytics: 'granted',
      marketing: 'denied',
      personalization: 'pending',
    });
    expect(await storedRecord(page)).toEqual(record);

    await pushSome(page, 'reloaded');
    const events = (await waitForEvents(app, seen + 6)).slice(seen);
    expect(names(events)).toEqual(['page', 'pre_load', 'reloaded_push', 'reloaded_track', 'page', 'reloaded_gtag']);
    for (const event of events) expect(event.context.consent).toMatchObject({ analytics: 'granted', marketing: 'denied' });
  });

  test('storagePurposes in the config decide which grant allows storage', async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, consentPage(app, '/consent-storage-purposes.json'));
    await pushSome(page, 'custom');
    // analytics is granted (events go) but is not a storage purpose here: only the choice is stored.
    await updateAndFlush(page, { analytics: 'granted' });
    await waitForEvents(app, 6);
    expect(await deviceState(page)).toEqual({ ...NOTHING_STORED, localStorage: ['acquaint.consent'] });

    await updateAndFlush(page, { personalization: 'granted' });
    await expect.poll(async () => (await deviceState(page)).indexedDB).toContain('acquaint-queue');
  });

  test('a new consent version in the config ignores the stored choice: the defaults apply and nothing is sent', async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, consentPage(app, V1));
    await updateAndFlush(page, { analytics: 'granted' });
    await waitForEvents(app, 2);
    const requests = batchRequests(page);

    await openAndReady(page, consentPage(app, V2));
    expect(await consentState(page)).toEqual({
      necessary: 'granted',
      analytics: 'pending',
      marketing: 'pending',
      personalization: 'pending',
    });
    await pushSome(page, 'v2');
    expect(requests).toEqual([]);

    // Choosing again stores the choice for the new version.
    await updateAndFlush(page, { analytics: 'denied' });
    expect(await storedRecord(page)).toMatchObject({ choices: { analytics: 'denied' }, version: '2025-06' });
    expect(requests).toEqual([]);
  });
});
