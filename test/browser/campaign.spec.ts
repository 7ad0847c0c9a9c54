import { expect, test, type Page } from '@playwright/test';
import { useCollector, type ReceivedEvent } from './helpers';
import { storedProfile } from './identity-helpers';
import { openVendorPage, routeVendors, serveConfig, vendorPage, waitForCall } from './vendor-helpers';

// Contract §7: every event carries the campaign and click ids of its session's landing URL, on
// later pages of the session too where storage is allowed, and on the landing page only where not.
const collector = useCollector();

const LANDING = { utm_source: 'news', utm_medium: 'email', utm_campaign: 'spring', gclid: 'abc', fbclid: 'FbClid_AbC' };
const CAMPAIGN = { source: 'news', medium: 'email', name: 'spring' };
const CLICK_IDS = { gclid: 'abc', fbclid: 'FbClid_AbC' };
const PIXEL = '1234567890';

const config = (consent: Record<string, unknown> = {}, destinations: unknown[] = []) => ({
  version: 1,
  consent: { defaults: { analytics: 'granted', marketing: 'granted', personalization: 'denied' }, ...consent },
  delivery: { flushIntervalMs: 50 },
  destinations: [{ id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } }, ...destinations],
});

/** Opens /x.html (the vendor fixture) with `configPath` and `query`, tracks `name`: the page view and the track. */
async function visit(page: Page, configPath: string, name: string, query: Record<string, string> = {}): Promise<ReceivedEvent[]> {
  const { app } = collector;
  const url = await vendorPage(page, app, configPath, { path: '/x.html', query });
  await openVendorPage(page, url);
  await page.evaluate(async (name) => {
    window.acquaint!.track(name);
    await window.acquaint!.flush();
  }, name);
  const here = () => app.events.filter((e) => e.receivedBy === 'collector' && e.context.page.url === url);
  await expect.poll(() => here().some((e) => e.event === name), { message: `waiting for ${name}` }).toBe(true);
  return [here().find((e) => e.type === 'page')!, here().find((e) => e.event === name)!];
}

const landingOf = (event: ReceivedEvent) => ({ type: event.type, campaign: event.context.campaign, clickIds: event.context.clickIds });

test('events carry the landing campaign and click ids on later pages of the session', async ({ page }) => {
  const path = await serveConfig(page, collector.app, config(), 'campaign');
  const landed = await visit(page, path, 'on_landing', LANDING);
  expect(landed.map(landingOf)).toEqual([
    { type: 'page', campaign: CAMPAIGN, clickIds: CLICK_IDS },
    { type: 'track', campaign: CAMPAIGN, clickIds: CLICK_IDS },
  ]);
  // Storage is allowed: the session, with its landing, is in IndexedDB before the next page.
  await expect
    .poll(async () => ((await storedProfile(page)) as { landing?: unknown } | null)?.landing)
    .toMatchObject({ campaign: CAMPAIGN });

  const later = await visit(page, path, 'on_second_page');
  expect(later.map((e) => e.context.page.url)).toEqual([expect.not.stringContaining('utm_'), expect.not.stringContaining('utm_')]);
  expect(later.map(landingOf)).toEqual([
    { type: 'page', campaign: CAMPAIGN, clickIds: CLICK_IDS },
    { type: 'track', campaign: CAMPAIGN, clickIds: CLICK_IDS },
  ]);
  expect(later[0]!.context.sessionId).toBe(landed[0]!.context.sessionId);
});

test('without storage consent the campaign is the landing page only', async ({ page }) => {
  // Analytics is granted, so events go; but only personalization allows storage here.
  const path = await serveConfig(page, collector.app, config({ storagePurposes: ['personalization'] }), 'campaign-memory');
  const landed = await visit(page, path, 'on_landing', LANDING);
  expect(landed.map(landingOf)).toEqual([
    { type: 'page', campaign: CAMPAIGN, clickIds: CLICK_IDS },
    { type: 'track', campaign: CAMPAIGN, clickIds: CLICK_IDS },
  ]);
  expect(await page.evaluate(() => indexedDB.databases().then((list) => list.map((db) => db.name)))).toEqual([]);

  const later = await visit(page, path, 'on_second_page');
  expect(later.map(landingOf)).toEqual([
    { type: 'page', campaign: undefined, clickIds: undefined },
    { type: 'track', campaign: undefined, clickIds: undefined },
  ]);
  expect(later[0]!.context.sessionId).not.toBe(landed[0]!.context.sessionId);
});

test('a meta-pixel destination gets the fbclid as fbc, timed by the first event that carried it', async ({ page }) => {
  const { app } = collector;
  await routeVendors(page, app);
  // A destination with `fields` must list context.clickIds for fbc.
  const meta = {
    id: 'meta',
    type: 'meta-pixel',
    purposes: ['marketing'],
    settings: { pixelId: PIXEL },
    fields: ['properties.value', 'context.clickIds'],
  };
  const path = await serveConfig(page, app, config({}, [meta]), 'campaign-meta');
  const [pageView] = await visit(page, path, 'on_landing', LANDING);
  const fbc = `fb.1.${Date.parse(pageView!.timestamp)}.FbClid_AbC`;
  const init = await waitForCall(page, 'fbq', (args) => args[0] === 'init' && args.length > 2, 'init with user data');
  expect(init).toEqual(['init', PIXEL, { fbc }]);
});
