/// <reference types="node" />
import { expect, test, type Page } from '@playwright/test';
import { batchRequests, deviceState, gtagCalls } from './consent-helpers';
import {
  BANNER_FILES,
  bannerFile,
  CDN,
  installedVersion,
  RECIPE_PATH as PAGE,
  recipeHtml,
  type RecipeVariant,
} from './cookieconsent-recipe';
import { names, openReady, useCollector, waitForEvents, watchPage, type CollectorServer, type PageLog } from './helpers';

// Issues 14 and 28, "a site keeps its own banner": vanilla-cookieconsent 3, whose callbacks push
// Consent Mode v2 updates that acquaint reads (docs/consent-banners.md). The page
// (fixtures/cookieconsent-page.html) is that recipe, loading the real package from its CDN URL,
// which is routed here to node_modules/vanilla-cookieconsent. acquaint's own banner is off and
// `consent.source` is "page". Destinations: `stats` (analytics), `ads` (marketing).
const collector = useCollector();

declare global {
  interface Window {
    CookieConsent?: { run: unknown; acceptedCategory(category: string): boolean; validConsent(): boolean };
    droppedReports?: Dropped[];
  }
}

interface Site {
  log: PageLog;
  /** The package files the page asked for, as `version/file`. */
  served: string[];
}

interface SiteOptions extends Omit<RecipeVariant, 'bannerFrom'> {
  /** The banner's files arrive this much later (a slow CDN). */
  delayMs?: number;
}

/**
 * Routes the banner's CDN URLs to the package in node_modules and aborts anything else that
 * would leave the collector's origin; a variant of the recipe is served in place of the page.
 * Call before `goto`.
 */
async function serveBanner(page: Page, app: CollectorServer, { delayMs = 0, ...variant }: SiteOptions = {}): Promise<Site> {
  const site: Site = { log: watchPage(page), served: [] };
  const origin = new URL(app.url).origin;
  await page.route(
    (url) => url.origin !== origin,
    (route) => route.abort('blockedbyclient'),
  );
  const version = await installedVersion();
  await page.route(`${CDN}*/dist/*`, async (route) => {
    const [, asked, file = ''] = /@([^/]+)\/dist\/([^/]+)$/.exec(new URL(route.request().url()).pathname) ?? [];
    site.served.push(`${asked}/${file}`);
    const body = asked === version ? await bannerFile(file) : undefined;
    if (!body) return route.fulfill({ status: 404 });
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    // crossorigin="anonymous" (for the integrity check) needs CORS, as the CDN sends.
    return route.fulfill({
      status: 200,
      contentType: BANNER_FILES[file as keyof typeof BANNER_FILES],
      headers: { 'access-control-allow-origin': '*' },
      body,
    });
  });
  if (Object.keys(variant).length) {
    const html = await recipeHtml(variant);
    await page.route(
      (url) => url.origin === origin && url.pathname === PAGE,
      (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
  }
  return site;
}

/** The banner's first layer and its preferences modal, as the visitor sees them. */
const banner = (page: Page) => page.getByRole('dialog', { name: 'We use cookies' });
const preferences = (page: Page) => page.getByRole('dialog', { name: 'Cookie preferences' });

const consent = (page: Page): Promise<Record<string, string>> => page.evaluate(() => window.acquaint!.consent.get());

/** Waits until acquaint's consent matches `expected` (it follows the banner's callbacks). */
async function consentBecomes(page: Page, expected: Record<string, string>): Promise<void> {
  await expect.poll(() => consent(page), { message: `acquaint consent to become ${JSON.stringify(expected)}` }).toMatchObject(expected);
}

/** Clicks the banner's "Accept all" and waits until acquaint follows it. */
async function acceptAll(page: Page): Promise<void> {
  await banner(page).getByRole('button', { name: 'Accept all' }).click();
  await consentBecomes(page, { analytics: 'granted', marketing: 'granted' });
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
const PENDING = { analytics: 'pending', marketing: 'pending', personalization: 'pending' };

interface Dropped {
  destination?: string;
  reason: string;
  count: number;
}

/** Tracks `name` and flushes; resolves with the `dropped` reports that caused. */
function trackAndFlush(page: Page, name: string): Promise<Dropped[]> {
  return page.evaluate(async (name) => {
    const dropped: Dropped[] = [];
    const off = window.acquaint!.on('dropped', (report) =>
      dropped.push({ destination: report.destination, reason: report.reason, count: report.messageIds.length }),
    );
    window.acquaint!.track(name);
    await window.acquaint!.flush();
    off();
    return dropped;
  }, name);
}

/** From now on the page keeps its `dropped` reports in `window.droppedReports`. */
const recordDrops = (page: Page): Promise<void> =>
  page.evaluate(() => {
    window.droppedReports = [];
    window.acquaint!.on('dropped', (report) =>
      window.droppedReports!.push({ destination: report.destination, reason: report.reason, count: report.messageIds.length }),
    );
  });

const eventsFor = (app: CollectorServer, destination: string) => app.events.filter((e) => e.receivedBy === destination);

/** The page's events at `destination`, each once, in the order given: the wire says so. */
async function arrivedOnce(app: CollectorServer, destination: string, expected: string[]): Promise<void> {
  const events = await waitForEvents(app, expected.length, destination);
  expect(names(events)).toEqual(expected);
  expect(events.filter((e) => e.duplicate)).toEqual([]);
  expect(new Set(events.map((e) => e.messageId)).size).toBe(expected.length);
}

/** Opens the recipe page (with `query`) again and waits for acquaint. */
async function reopen(page: Page, app: CollectorServer, query = ''): Promise<void> {
  await openReady(page, app, PAGE + query);
}

test.describe('vanilla-cookieconsent 3 in front of acquaint (Consent Mode v2, consent.source "page")', () => {
  test('before a choice the banner asks: events are held, nothing leaves, nothing is stored, and debug mode says why', async ({ page }) => {
    const { app } = collector;
    const site = await serveBanner(page, app);
    const requests = batchRequests(page);
    await openReady(page, app, `${PAGE}?acquaint_debug=1`);

    // The real package is in the page, and its banner is up.
    const version = await installedVersion();
    expect(site.served.sort(), 'the fixture loads the installed version').toEqual([
      `${version}/cookieconsent.css`,
      `${version}/cookieconsent.umd.js`,
    ]);
    expect(await page.evaluate(() => typeof window.CookieConsent?.run)).toBe('function');
    await expect(banner(page).getByRole('button', { name: 'Accept all' })).toBeVisible();
    await expect(banner(page).getByRole('button', { name: 'Reject all' })).toBeVisible();

    // The site's denied default is "not chosen yet": held, not discarded. No update was pushed.
    expect(await gtagCalls(page)).toEqual([['consent', 'default', ALL('denied')]]);
    expect(await consent(page)).toMatchObject(PENDING);
    expect(await trackAndFlush(page, 'before_choice')).toEqual([]);
    const waiting = { status: 'held', detail: 'analytics: Consent Mode default denied, waiting for the banner' };
    const traced = await page.evaluate(() => window.acquaint!.debug().events.map((e) => ({ name: e.name, steps: e.steps })));
    expect(traced).toEqual([
      {
        name: 'page',
        steps: [
          { destination: 'stats', ...waiting },
          { destination: 'ads', status: 'held', detail: 'marketing: Consent Mode default denied, waiting for the banner' },
        ],
      },
      {
        name: 'before_choice',
        steps: [{ destination: 'stats', ...waiting }, expect.objectContaining({ destination: 'ads', status: 'held' })],
      },
    ]);

    expect(requests).toEqual([]);
    expect(app.attempts).toEqual([]);
    expect(await deviceState(page)).toEqual({ cookie: '', localStorage: [], sessionStorage: [], indexedDB: [] });
    await expect(banner(page)).toBeVisible();
    expect(site.log.pageErrors).toEqual([]);
  });

  test('"Accept all" on a first visit: the landing page view and the events before the click arrive, once, in order', async ({ page }) => {
    const { app } = collector;
    const site = await serveBanner(page, app);
    await openReady(page, app, PAGE);
    await page.evaluate(() => window.acquaint!.track('before_choice'));

    await banner(page).getByRole('button', { name: 'Accept all' }).click();
    await expect(banner(page)).toBeHidden();
    await consentBecomes(page, { analytics: 'granted', marketing: 'granted', personalization: 'granted' });
    expect(await updates(page)).toEqual([ALL('granted')]);

    await trackAndFlush(page, 'after_accept');
    await arrivedOnce(app, 'stats', ['page', 'before_choice', 'after_accept']);
    await arrivedOnce(app, 'ads', ['page', 'before_choice', 'after_accept']);
    // Stamped with the state that let them through; acquaint kept no record of its own.
    expect(eventsFor(app, 'stats').map((e) => e.context.consent)).toEqual(
      Array(3).fill(expect.objectContaining({ analytics: 'granted', marketing: 'granted' })),
    );
    expect((await deviceState(page)).localStorage).not.toContain('acquaint.consent');
    expect(site.log.pageErrors).toEqual([]);
  });

  test('"Reject all": what was held is discarded, nothing leaves and nothing is stored', async ({ page }) => {
    const { app } = collector;
    const site = await serveBanner(page, app);
    const requests = batchRequests(page);
    await openReady(page, app, PAGE);
    await page.evaluate(() => window.acquaint!.track('before_choice'));
    await recordDrops(page);

    await banner(page).getByRole('button', { name: 'Reject all' }).click();
    await expect(banner(page)).toBeHidden();
    // The banner stored a choice (necessary only) and said so through onConsent.
    expect(await page.evaluate(() => window.CookieConsent!.validConsent())).toBe(true);
    expect(await updates(page)).toEqual([ALL('denied')]);
    expect(await consent(page)).toMatchObject({ analytics: 'denied', marketing: 'denied', personalization: 'denied' });
    // The page view and before_choice, at each destination.
    expect(await page.evaluate(() => window.droppedReports)).toEqual([
      { destination: 'stats', reason: 'consent_denied', count: 2 },
      { destination: 'ads', reason: 'consent_denied', count: 2 },
    ]);

    await trackAndFlush(page, 'after_reject');
    expect(requests).toEqual([]);
    expect(app.attempts).toEqual([]);
    // Only the banner's own cookie: nothing of acquaint's.
    const device = await deviceState(page);
    expect(device).toMatchObject({ localStorage: [], sessionStorage: [], indexedDB: [] });
    expect(device.cookie.split('; ').map((c) => c.split('=')[0])).toEqual(['cc_cookie']);
    expect(site.log.pageErrors).toEqual([]);
  });

  test('leaving before answering: nothing leaves, and an answer on the next page does not bring it back', async ({ page }) => {
    const { app } = collector;
    const site = await serveBanner(page, app);
    const requests = batchRequests(page);
    await openReady(page, app, PAGE);
    await page.evaluate(() => window.acquaint!.track('before_leaving'));

    await reopen(page, app);
    expect(requests, 'nothing left with the page (no beacon either)').toEqual([]);
    await acceptAll(page);
    await trackAndFlush(page, 'next_page');
    // This page's own view, not the one of the page left unanswered, nor its event.
    await arrivedOnce(app, 'stats', ['page', 'next_page']);
    expect(names(eventsFor(app, 'ads'))).toEqual(['page', 'next_page']);
    expect(site.log.pageErrors).toEqual([]);
  });

  test('statistics alone, chosen in the preferences modal: only the analytics destination receives, the held events too', async ({
    page,
  }) => {
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
    await arrivedOnce(app, 'stats', ['page', 'stats_only']);
    expect(dropped).toEqual([{ destination: 'ads', reason: 'consent_denied', count: 1 }]);
    expect(eventsFor(app, 'ads')).toEqual([]);
    expect(requests.filter((url) => url.includes('dest=ads'))).toEqual([]);
    expect(site.log.pageErrors).toEqual([]);
  });

  test('a returning visitor: the banner restores the choice on load and acquaint sends without asking', async ({ page }) => {
    const { app } = collector;
    const site = await serveBanner(page, app);
    await openReady(page, app, PAGE);
    await acceptAll(page);
    await page.evaluate(() => window.acquaint!.flush());
    await fetch(`${app.url}/collector/clear`, { method: 'POST' });

    await reopen(page, app);
    // onConsent ran on this load, from the banner's cookie: no banner, no click.
    expect(await gtagCalls(page)).toEqual(expect.arrayContaining([['consent', 'update', ALL('granted')]]));
    expect(await consent(page)).toMatchObject({ analytics: 'granted', marketing: 'granted' });
    await trackAndFlush(page, 'returning');
    await arrivedOnce(app, 'stats', ['page', 'returning']);
    await arrivedOnce(app, 'ads', ['page', 'returning']);
    await expect(banner(page)).toHaveCount(0);
    expect(site.log.pageErrors).toEqual([]);
  });

  test("acquaint's tag in <head> before a slow banner: a returning visitor's landing page view waits for the banner, then leaves", async ({
    page,
  }) => {
    const { app } = collector;
    // The banner file arrives 300 ms late and acquaint starts first (same origin, in <head>).
    const site = await serveBanner(page, app, { delayMs: 300, acquaintFirst: true });
    await openReady(page, app, PAGE);
    await acceptAll(page);
    // Only the banner's cookie remembers the choice (as for a visitor who chose before acquaint came).
    await page.evaluate(async () => {
      await window.acquaint!.flush();
      localStorage.clear();
    });
    expect(await page.evaluate(() => document.cookie)).toContain('cc_cookie=');
    await fetch(`${app.url}/collector/clear`, { method: 'POST' });

    await page.reload();
    await page.waitForFunction(() => window.acquaint !== undefined);
    await page.evaluate(() => window.acquaint!.ready());
    await consentBecomes(page, { analytics: 'granted', marketing: 'granted' });
    await page.evaluate(() => window.acquaint!.flush());
    await arrivedOnce(app, 'stats', ['page']);
    await arrivedOnce(app, 'ads', ['page']);
    await expect(banner(page)).toHaveCount(0);
    expect(site.log.pageErrors).toEqual([]);
  });

  test("withdrawing statistics later in the banner's preferences (onChange) stops the analytics destination", async ({ page }) => {
    const { app } = collector;
    const site = await serveBanner(page, app);
    const requests = batchRequests(page);
    await openReady(page, app, PAGE);
    await acceptAll(page);
    await trackAndFlush(page, 'while_granted');
    await waitForEvents(app, 2, 'stats');
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
    await arrivedOnce(app, 'ads', ['page', 'while_granted', 'after_withdrawal']);
    expect(names(eventsFor(app, 'stats'))).toEqual(['page', 'while_granted']);
    expect(dropped).toEqual([{ destination: 'stats', reason: 'consent_denied', count: 1 }]);
    expect(requests.filter((url) => url.includes('dest=stats')).length).toBe(statsRequests);
    expect(site.log.pageErrors).toEqual([]);
  });

  test('a raised banner revision: acquaint holds again until the new answer, and the old choice never speaks', async ({ page }) => {
    const { app } = collector;
    const site = await serveBanner(page, app);
    const requests = batchRequests(page);
    await openReady(page, app, PAGE);
    await acceptAll(page);
    await page.evaluate(() => window.acquaint!.flush());
    await fetch(`${app.url}/collector/clear`, { method: 'POST' });
    requests.length = 0;

    await reopen(page, app, '?revision=1');
    await expect(banner(page)).toBeVisible();
    expect(await consent(page)).toMatchObject(PENDING);
    expect(await trackAndFlush(page, 'while_asked_again')).toEqual([]);
    expect(requests).toEqual([]);
    expect(app.attempts).toEqual([]);
    expect(await deviceState(page)).toMatchObject({ localStorage: expect.not.arrayContaining(['acquaint.consent']) });

    await acceptAll(page);
    await trackAndFlush(page, 'answered_again');
    await arrivedOnce(app, 'stats', ['page', 'while_asked_again', 'answered_again']);
    await arrivedOnce(app, 'ads', ['page', 'while_asked_again', 'answered_again']);
    expect(site.log.pageErrors).toEqual([]);
  });

  test('consentModeDefault "deny" keeps the old reading: events before the choice are discarded, not held', async ({ page }) => {
    const { app } = collector;
    const site = await serveBanner(page, app, { consentModeDefault: 'deny' });
    const requests = batchRequests(page);
    await openReady(page, app, PAGE);
    expect(await consent(page)).toMatchObject({ analytics: 'denied', marketing: 'denied', personalization: 'denied' });
    expect(await trackAndFlush(page, 'before_choice')).toEqual([
      { destination: 'stats', reason: 'consent_denied', count: 1 },
      { destination: 'ads', reason: 'consent_denied', count: 1 },
    ]);
    expect(requests).toEqual([]);

    await acceptAll(page);
    await trackAndFlush(page, 'after_accept');
    await arrivedOnce(app, 'stats', ['after_accept']);
    await arrivedOnce(app, 'ads', ['after_accept']);
    expect(site.log.pageErrors).toEqual([]);
  });
});
