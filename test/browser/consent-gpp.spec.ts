import { expect, test, type Page } from '@playwright/test';
import { batchRequests, consentState, openAndReady, requestsTo, trackAndFlush } from './consent-helpers';
import { bundle, routeCmp } from './cmp/bundle';
import { names, useCollector, waitForEvents } from './helpers';

// Issue 14: a US consent manager on the page, built on the IAB's @iabgpp/cmpapi
// (test/browser/cmp/gpp-cmp.ts). consent-gpp.json: defaults analytics and marketing granted
// (a US opt-out setup), `gpp: {}` (every US section, marketing ← sale, sharing and targeted
// advertising opt-outs), a banner that must stay away; "collector" is analytics, "ads" marketing.
const collector = useCollector();

declare global {
  interface Window {
    /** The test CMP's "UI" (test/browser/cmp/gpp-cmp.ts). */
    testGpp?: { optOut(section: string, fields: string[]): void; optIn(section: string): void; ready(): void };
  }
}

test.beforeEach(async ({ page }) => {
  await routeCmp(page, collector.app.url, ['gpp-cmp']);
});

const optOut = (page: Page, section: string, fields: string[]) =>
  page.evaluate(([section, fields]) => window.testGpp!.optOut(section, fields), [section, fields] as const);
const marketingIs = (page: Page, state: string) =>
  page.waitForFunction((state) => window.acquaint!.consent.get().marketing === state, state, { timeout: 5_000 });

// What an earlier visit of the test sent. Its events may arrive again after the clear: the next
// page adopts queue records whose removal had not landed (at-least-once, contract §6).
let earlier = new Set<string>();
test.beforeEach(() => void (earlier = new Set()));

/** Empties the collector's log; what it held is `earlier` from now on, and is not this visit's. */
async function clearCollector(): Promise<void> {
  earlier = new Set(collector.app.events.map((e) => e.messageId));
  expect((await fetch(`${collector.app.url}/collector/clear`, { method: 'POST' })).ok).toBe(true);
}
const thisVisit = (dest: string) => collector.app.events.filter((e) => e.receivedBy === dest && !earlier.has(e.messageId));
/** waitForEvents, leaving out an earlier visit's events sent again. */
async function waitForVisit(n: number, dest: string) {
  await expect
    .poll(() => thisVisit(dest).length, { message: `waiting for ${n} event(s) for ${dest}`, timeout: 10_000 })
    .toBeGreaterThanOrEqual(n);
  return thisVisit(dest);
}
const ads = () => thisVisit('ads');
const adsAttempts = () =>
  collector.app.attempts.filter((a) => a.dest === 'ads' && !(a.messageIds.length && a.messageIds.every((id) => earlier.has(id))));

test.describe('consent signals: IAB GPP (US) CMP', () => {
  test('a visitor who opted out of sale: marketing is denied from the first event, nothing reaches the marketing destination, analytics still flows', async ({
    page,
  }) => {
    const { app } = collector;
    await openAndReady(page, `${app.url}/consent-gpp.html`);
    await optOut(page, 'usnat', ['SaleOptOut']);
    await marketingIs(page, 'denied');
    await page.evaluate(() => window.acquaint!.flush());
    await clearCollector();

    // The next page: the CMP reads the stored GPP string and signals ready before acquaint's config.
    await openAndReady(page, `${app.url}/consent-gpp.html`);
    expect(await consentState(page)).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    const dropped = await trackAndFlush(page, 'opted_out_visit');
    expect(names(await waitForVisit(3, 'collector'))).toEqual(['page', 'pre_load', 'opted_out_visit']);
    for (const event of thisVisit('collector')) expect(event.context.consent.marketing).toBe('denied');
    expect(ads()).toEqual([]);
    expect(adsAttempts()).toEqual([]);
    expect(dropped).toMatchObject([{ destination: 'ads', reason: 'consent_denied' }]);
  });

  test('a visitor who did not opt out: the config’s default applies (marketing granted) and the acquaint banner stays away', async ({
    page,
  }) => {
    const { app } = collector;
    const banner = requestsTo(page, '/consent-ui.js');
    await openAndReady(page, `${app.url}/consent-gpp.html`);
    const ping = await page.evaluate(
      () =>
        new Promise((resolve) =>
          (window as unknown as { __gpp: (command: string, callback: (data: unknown) => void) => void }).__gpp('ping', resolve),
        ),
    );
    expect(ping).toMatchObject({ signalStatus: 'ready', sectionList: [7] });
    expect(await consentState(page)).toMatchObject({ analytics: 'granted', marketing: 'granted' });
    await trackAndFlush(page, 'no_opt_out');
    expect(names(await waitForEvents(app, 3, 'ads'))).toEqual(['page', 'pre_load', 'no_opt_out']);
    for (const event of ads()) expect(event.context.consent.marketing).toBe('granted');
    expect(banner).toEqual([]);
    await expect(page.locator('acquaint-consent')).toHaveCount(0);
  });

  test('a later opt-out through the CMP denies marketing from then on; withdrawing it returns to the default', async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, `${app.url}/consent-gpp.html`);
    await trackAndFlush(page, 'before_opt_out');
    expect(names(await waitForEvents(app, 3, 'ads'))).toEqual(['page', 'pre_load', 'before_opt_out']);

    await optOut(page, 'usnat', ['TargetedAdvertisingOptOut']);
    await marketingIs(page, 'denied');
    const dropped = await trackAndFlush(page, 'after_opt_out');
    expect(names(await waitForEvents(app, 4, 'collector'))).toEqual(['page', 'pre_load', 'before_opt_out', 'after_opt_out']);
    expect(names(ads())).toEqual(['page', 'pre_load', 'before_opt_out']);
    expect(dropped).toMatchObject([{ destination: 'ads', reason: 'consent_denied' }]);

    await page.evaluate(() => window.testGpp!.optIn('usnat'));
    await marketingIs(page, 'granted');
    await trackAndFlush(page, 'after_opt_in');
    expect(names(await waitForEvents(app, 4, 'ads'))).toEqual(['page', 'pre_load', 'before_opt_out', 'after_opt_in']);
  });

  test('an opt-out in a state section (usca: sharing) denies marketing too', async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, `${app.url}/consent-gpp.html`);
    await optOut(page, 'usca', ['SharingOptOut']);
    await marketingIs(page, 'denied');
    const before = ads().length;
    await trackAndFlush(page, 'after_usca_opt_out');
    await waitForEvents(app, 1, 'collector');
    expect(names(app.events.filter((e) => e.receivedBy === 'collector'))).toContain('after_usca_opt_out');
    expect(ads()).toHaveLength(before);
  });

  test('while the CMP is not ready, marketing events are held, and leave once it signals no opt-out', async ({ page }) => {
    const { app } = collector;
    const requests = batchRequests(page);
    await openAndReady(page, `${app.url}/consent-gpp.html?wait=1`);
    expect(await consentState(page)).toMatchObject({ analytics: 'granted', marketing: 'pending' });
    await trackAndFlush(page, 'while_not_ready');
    expect(names(await waitForEvents(app, 3, 'collector'))).toEqual(['page', 'pre_load', 'while_not_ready']);
    expect(requests.filter((r) => r.includes('dest=ads'))).toEqual([]);

    await page.evaluate(() => window.testGpp!.ready());
    await marketingIs(page, 'granted');
    await page.evaluate(() => window.acquaint!.flush());
    expect(names(await waitForEvents(app, 3, 'ads'))).toEqual(['page', 'pre_load', 'while_not_ready']);
  });

  test('a CMP that loads after acquaint: marketing is held until it has said the visitor opted out, so nothing reaches the marketing destination', async ({
    page,
  }) => {
    const { app } = collector;
    // An earlier visit opted out (the CMP stores its GPP string).
    await openAndReady(page, `${app.url}/consent-gpp.html`);
    await optOut(page, 'usnat', ['SaleOptOut']);
    await page.evaluate(() => window.acquaint!.flush());
    await clearCollector();

    // This time the CMP's script is slow: acquaint runs, and flushes, before there is any __gpp.
    let arrive!: () => void;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const body = await bundle('gpp-cmp');
    await page.route(`${app.url}/cmp/gpp-cmp.js`, async (route) => {
      await arrived;
      await route.fulfill({ status: 200, contentType: 'text/javascript', body });
    });
    const banner = requestsTo(page, '/consent-ui.js');
    await page.goto(`${app.url}/consent-gpp-late.html`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.acquaint !== undefined);
    await page.evaluate(() => window.acquaint!.ready());
    expect(await consentState(page)).toMatchObject({ analytics: 'granted', marketing: 'pending' });
    await trackAndFlush(page, 'before_cmp');
    expect(names(await waitForVisit(2, 'collector'))).toEqual(['page', 'before_cmp']);

    arrive();
    await marketingIs(page, 'denied');
    await page.evaluate(() => window.acquaint!.flush());
    expect(ads()).toEqual([]);
    expect(adsAttempts()).toEqual([]);
    expect(banner).toEqual([]);
  });

  test('without a CMP the same config keeps its defaults and loads the banner', async ({ page }) => {
    const { app } = collector;
    const banner = requestsTo(page, '/consent-ui.js');
    await openAndReady(page, `${app.url}/consent-page.html?config=/consent-gpp.json`);
    await expect(page.getByRole('region', { name: 'Cookies?' })).toBeVisible();
    expect(await consentState(page)).toMatchObject({ analytics: 'granted', marketing: 'granted' });
    expect(banner).toEqual(['/consent-ui.js']);
  });
});
