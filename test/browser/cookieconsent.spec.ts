/// <reference types="node" />
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { batchRequests, gtagCalls, storedRecord } from './consent-helpers';
import { names, openReady, useCollector, waitForEvents, watchPage, type CollectorServer, type PageLog } from './helpers';

// Issue 14, "Popular banners": a site keeps its own banner, vanilla-cookieconsent 3, and the
// banner's callbacks push Consent Mode v2 updates that acquaint reads (docs/consent-banners.md).
// The page (fixtures/cookieconsent-page.html) is that recipe, loading the real package from its
// CDN URL, which is routed here to node_modules/vanilla-cookieconsent. acquaint's own banner is
// off (the config has no consent.banner). Destinations: `stats` (analytics), `ads` (marketing).
const collector = useCollector();

const PACKAGE_JSON = createRequire(import.meta.url).resolve('vanilla-cookieconsent/package.json');
const PACKAGE = dirname(PACKAGE_JSON);
const CDN = 'https://cdn.jsdelivr.net/npm/vanilla-cookieconsent@';
const SERVED = { 'cookieconsent.umd.js': 'text/javascript; charset=utf-8', 'cookieconsent.css': 'text/css; charset=utf-8' } as const;

declare global {
  interface Window {
    CookieConsent?: { run: unknown; acceptedCategory(category: string): boolean; validConsent(): boolean };
  }
}

interface Site {
  log: PageLog;
  /** The package files the page asked for, as `version/file`. */
  served: string[];
}

/** The version in node_modules: the fixture (and the docs) pin it, with its integrity values. */
const installed = async (): Promise<string> => (JSON.parse(await readFile(PACKAGE_JSON, 'utf8')) as { version: string }).version;

/**
 * Routes the banner's CDN URLs to the package in node_modules (`delayMs` later: a slow CDN)
 * and aborts anything else that would leave the collector's origin. Call before `goto`.
 */
async function serveBanner(page: Page, app: CollectorServer, delayMs = 0): Promise<Site> {
  const site: Site = { log: watchPage(page), served: [] };
  const origin = new URL(app.url).origin;
  await page.route((url) => url.origin !== origin, (route) => route.abort('blockedbyclient'));
  const version = await installed();
  await page.route(`${CDN}*/dist/*`, async (route) => {
    const [, asked, file] = /@([^/]+)\/dist\/([^/]+)$/.exec(new URL(route.request().url()).pathname) ?? [];
    site.served.push(`${asked}/${file}`);
    if (asked !== version || !file || !(file in SERVED)) return route.fulfill({ status: 404 });
    const body = await readFile(join(PACKAGE, 'dist', file));
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    // crossorigin="anonymous" (for the integrity check) needs CORS, as the CDN sends.
    return route.fulfill({ status: 200, contentType: SERVED[file as keyof typeof SERVED], headers: { 'access-control-allow-origin': '*' }, body });
  });
  return site;
}

const PAGE = '/cookieconsent-page.html';

/** The banner's first layer and its preferences modal, as the visitor sees them. */
const banner = (page: Page) => page.getByRole('dialog', { name: 'We use cookies' });
const preferences = (page: Page) => page.getByRole('dialog', { name: 'Cookie preferences' });

const consent = (page: Page): Promise<Record<string, string>> => page.evaluate(() => window.acquaint!.consent.get());

/** Waits until acquaint's consent matches `expected` (it follows the banner's callbacks). */
async function consentBecomes(page: Page, expected: Record<string, string>): Promise<void> {
  await expect.poll(() => consent(page), { message: `acquaint consent to become ${JSON.stringify(expected)}` }).toMatchObject(expected);
}

/** The Consent Mode `update`s on the data layer, in order (what the banner pushed). */
async function updates(page: Page): Promise<unknown[]> {
  return (await gtagCalls(page)).filter((call) => call[0] === 'consent' && call[1] === 'update').map((call) => call[2]);
}

const ALL = (state: 'granted' | 'denied') => ({
  analytics_storage: state,
  ad_storage: state,
  ad_user_data: state,
  ad_personalization: state,
  personalization_storage: state,
});

interface Dropped {
  destination?: string;
  reason: string;
}

/** Tracks `name` and flushes; resolves with the `dropped` reports that caused. */
function trackAndFlush(page: Page, name: string): Promise<Dropped[]> {
  return page.evaluate(async (name) => {
    const dropped: Dropped[] = [];
    const off = window.acquaint!.on('dropped', (report) => dropped.push({ destination: report.destination, reason: report.reason }));
    window.acquaint!.track(name);
    await window.acquaint!.flush();
    off();
    return dropped;
  }, name);
}

const eventsFor = (app: CollectorServer, destination: string) => app.events.filter((e) => e.receivedBy === destination);

test.describe('vanilla-cookieconsent 3 in front of acquaint (Consent Mode v2 updates)', () => {
  test('before a choice the banner asks, consent is denied and nothing reaches the collector', async ({ page }) => {
    const { app } = collector;
    const site = await serveBanner(page, app);
    const requests = batchRequests(page);
    await openReady(page, app, PAGE);

    // The real package is in the page, and its banner is up.
    const version = await installed();
    expect(site.served.sort(), 'the fixture loads the installed version').toEqual([`${version}/cookieconsent.css`, `${version}/cookieconsent.umd.js`]);
    expect(await page.evaluate(() => typeof window.CookieConsent?.run)).toBe('function');
    await expect(banner(page)).toBeVisible();
    await expect(banner(page).getByRole('button', { name: 'Accept all' })).toBeVisible();
    await expect(banner(page).getByRole('button', { name: 'Reject all' })).toBeVisible();

    expect(await consent(page)).toMatchObject({ analytics: 'denied', marketing: 'denied', personalization: 'denied' });
    // The site's default, then the banner's "no valid choice" update, before acquaint read anything.
    expect((await gtagCalls(page)).slice(0, 2)).toEqual([
      ['consent', 'default', ALL('denied')],
      ['consent', 'update', ALL('denied')],
    ]);

    // That update is stored by acquaint as the site's choice (docs: "Asked again").
    expect(await storedRecord(page)).toMatchObject({ choices: { analytics: 'denied', marketing: 'denied', personalization: 'denied' } });

    const dropped = await trackAndFlush(page, 'before_choice');
    expect(dropped).toEqual(expect.arrayContaining([{ destination: 'stats', reason: 'consent_denied' }, { destination: 'ads', reason: 'consent_denied' }]));
    expect(requests).toEqual([]);
    expect(app.attempts).toEqual([]);
    await expect(banner(page)).toBeVisible();
    expect(site.log.pageErrors).toEqual([]);
  });

  test('"Accept all" grants analytics and marketing; events reach both destinations', async ({ page }) => {
    const { app } = collector;
    const site = await serveBanner(page, app);
    await openReady(page, app, PAGE);
    await trackAndFlush(page, 'before_choice');

    await banner(page).getByRole('button', { name: 'Accept all' }).click();
    await expect(banner(page)).toBeHidden();
    await consentBecomes(page, { analytics: 'granted', marketing: 'granted', personalization: 'granted' });
    expect((await updates(page)).at(-1)).toEqual(ALL('granted'));

    await trackAndFlush(page, 'after_accept');
    const stats = await waitForEvents(app, 1, 'stats');
    const ads = await waitForEvents(app, 1, 'ads');
    // Under the page's denied default the events before the choice were discarded, not held.
    expect(names(stats)).toEqual(['after_accept']);
    expect(names(ads)).toEqual(['after_accept']);
    expect(stats[0]!.context.consent).toMatchObject({ analytics: 'granted', marketing: 'granted' });
    expect(site.log.pageErrors).toEqual([]);
  });

  test('"Reject all" denies everything and nothing reaches the collector', async ({ page }) => {
    const { app } = collector;
    const site = await serveBanner(page, app);
    const requests = batchRequests(page);
    await openReady(page, app, PAGE);

    await banner(page).getByRole('button', { name: 'Reject all' }).click();
    await expect(banner(page)).toBeHidden();
    // The banner stored a choice (necessary only) and said so through onConsent.
    expect(await page.evaluate(() => window.CookieConsent!.validConsent())).toBe(true);
    expect(await updates(page)).toEqual([ALL('denied'), ALL('denied')]);
    expect(await consent(page)).toMatchObject({ analytics: 'denied', marketing: 'denied', personalization: 'denied' });

    await trackAndFlush(page, 'after_reject');
    expect(requests).toEqual([]);
    expect(app.attempts).toEqual([]);
    expect(site.log.pageErrors).toEqual([]);
  });

  test('statistics alone, chosen in the preferences modal: only the analytics destination receives', async ({ page }) => {
    const { app } = collector;
    const site = await serveBanner(page, app);
    const requests = batchRequests(page);
    await openReady(page, app, PAGE);

    await banner(page).getByRole('button', { name: 'Manage preferences' }).click();
    const modal = preferences(page);
    await expect(modal).toBeVisible();
    await modal.getByRole('checkbox', { name: 'Statistics' }).check();
    await expect(modal.getByRole('checkbox', { name: 'Marketing' })).not.toBeChecked();
    await modal.getByRole('button', { name: 'Save preferences' }).click();
    await expect(modal).toBeHidden();

    await consentBecomes(page, { analytics: 'granted', marketing: 'denied', personalization: 'denied' });
    expect((await updates(page)).at(-1)).toEqual({ ...ALL('denied'), analytics_storage: 'granted' });

    const dropped = await trackAndFlush(page, 'stats_only');
    expect(names(await waitForEvents(app, 1, 'stats'))).toEqual(['stats_only']);
    expect(dropped).toEqual([{ destination: 'ads', reason: 'consent_denied' }]);
    expect(eventsFor(app, 'ads')).toEqual([]);
    expect(requests.filter((url) => url.includes('dest=ads'))).toEqual([]);
    expect(site.log.pageErrors).toEqual([]);
  });

  test('a returning visitor: the banner restores the choice on load and acquaint sends without asking', async ({ page }) => {
    const { app } = collector;
    const site = await serveBanner(page, app);
    await openReady(page, app, PAGE);
    await banner(page).getByRole('button', { name: 'Accept all' }).click();
    await consentBecomes(page, { analytics: 'granted', marketing: 'granted' });
    await page.evaluate(() => window.acquaint!.flush());
    await fetch(`${app.url}/collector/clear`, { method: 'POST' });

    await page.reload();
    await page.waitForFunction(() => window.acquaint !== undefined);
    await page.evaluate(() => window.acquaint!.ready());
    // onConsent ran on this load, from the cookie, before acquaint: no banner, no click.
    expect(await gtagCalls(page)).toEqual(expect.arrayContaining([['consent', 'update', ALL('granted')]]));
    expect(await consent(page)).toMatchObject({ analytics: 'granted', marketing: 'granted' });
    await trackAndFlush(page, 'returning');
    expect(names(await waitForEvents(app, 2, 'stats'))).toEqual(['page', 'returning']);
    expect(names(await waitForEvents(app, 2, 'ads'))).toEqual(['page', 'returning']);
    await expect(banner(page)).toHaveCount(0);
    expect(site.log.pageErrors).toEqual([]);
  });

  test('a visitor who chose in the banner before acquaint came: the banner cookie alone lets the landing page view through, even from a slow CDN', async ({ page }) => {
    const { app } = collector;
    // The banner file arrives 300 ms late; acquaint (same origin) would be ready long before.
    const site = await serveBanner(page, app, 300);
    await openReady(page, app, PAGE);
    await banner(page).getByRole('button', { name: 'Accept all' }).click();
    await consentBecomes(page, { analytics: 'granted', marketing: 'granted' });
    // Only the banner's cookie remembers the choice: acquaint's own record goes.
    await page.evaluate(async () => {
      await window.acquaint!.flush();
      localStorage.removeItem('acquaint.consent');
    });
    expect(await page.evaluate(() => document.cookie)).toContain('cc_cookie=');
    await fetch(`${app.url}/collector/clear`, { method: 'POST' });

    await page.reload();
    await page.waitForFunction(() => window.acquaint !== undefined);
    await page.evaluate(() => window.acquaint!.ready());
    await page.evaluate(() => window.acquaint!.flush());
    expect(await consent(page)).toMatchObject({ analytics: 'granted', marketing: 'granted' });
    // The landing page view of this load, sent without a click.
    expect(names(await waitForEvents(app, 1, 'stats'))).toEqual(['page']);
    expect(names(await waitForEvents(app, 1, 'ads'))).toEqual(['page']);
    await expect(banner(page)).toHaveCount(0);
    expect(site.log.pageErrors).toEqual([]);
  });

  test("withdrawing statistics later in the banner's preferences (onChange) stops the analytics destination", async ({ page }) => {
    const { app } = collector;
    const site = await serveBanner(page, app);
    const requests = batchRequests(page);
    await openReady(page, app, PAGE);
    await banner(page).getByRole('button', { name: 'Accept all' }).click();
    await consentBecomes(page, { analytics: 'granted', marketing: 'granted' });
    await trackAndFlush(page, 'while_granted');
    await waitForEvents(app, 1, 'stats');
    const statsRequests = requests.filter((url) => url.includes('dest=stats')).length;

    // The site's "Cookie settings" button (data-cc="show-preferencesModal").
    await page.getByRole('button', { name: 'Cookie settings' }).click();
    const modal = preferences(page);
    await expect(modal).toBeVisible();
    await expect(modal.getByRole('checkbox', { name: 'Statistics' })).toBeChecked();
    await modal.getByRole('checkbox', { name: 'Statistics' }).uncheck();
    await modal.getByRole('button', { name: 'Save preferences' }).click();
    await expect(modal).toBeHidden();

    await consentBecomes(page, { analytics: 'denied', marketing: 'granted' });
    expect((await updates(page)).at(-1)).toEqual({ ...ALL('granted'), analytics_storage: 'denied' });

    const dropped = await trackAndFlush(page, 'after_withdrawal');
    expect(names(await waitForEvents(app, 2, 'ads'))).toEqual(['while_granted', 'after_withdrawal']);
    expect(names(eventsFor(app, 'stats'))).toEqual(['while_granted']);
    expect(dropped).toEqual([{ destination: 'stats', reason: 'consent_denied' }]);
    expect(requests.filter((url) => url.includes('dest=stats')).length).toBe(statsRequests);
    expect(site.log.pageErrors).toEqual([]);
  });

  test('a new banner revision asks again: until the visitor answers, the choice acquaint stored does not speak', async ({ page }) => {
    const { app } = collector;
    const site = await serveBanner(page, app);
    const requests = batchRequests(page);
    await openReady(page, app, PAGE);
    await banner(page).getByRole('button', { name: 'Accept all' }).click();
    await consentBecomes(page, { analytics: 'granted', marketing: 'granted' });
    await page.evaluate(() => window.acquaint!.flush());
    expect(await page.evaluate(() => localStorage.getItem('acquaint.consent'))).toContain('granted');
    await fetch(`${app.url}/collector/clear`, { method: 'POST' });
    requests.length = 0;

    await openReady(page, app, `${PAGE}?revision=1`);
    await expect(banner(page)).toBeVisible();
    expect(await consent(page)).toMatchObject({ analytics: 'denied', marketing: 'denied' });
    await trackAndFlush(page, 'while_asked_again');
    expect(requests).toEqual([]);

    await banner(page).getByRole('button', { name: 'Accept all' }).click();
    await consentBecomes(page, { analytics: 'granted', marketing: 'granted' });
    await trackAndFlush(page, 'answered_again');
    expect(names(await waitForEvents(app, 1, 'stats'))).toEqual(['answered_again']);
    expect(names(await waitForEvents(app, 1, 'ads'))).toEqual(['answered_again']);
    expect(site.log.pageErrors).toEqual([]);
  });
});
