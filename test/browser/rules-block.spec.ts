import { expect, test, type Page } from '@playwright/test';
import { http, useCollector, waitForEvents, type ReceivedEvent } from './helpers';
import {
  eventCalls,
  eventsFor,
  openVendorPage,
  routeVendors,
  serveConfig,
  vendorCalls,
  vendorPage,
  waitForCall,
  watchNetwork,
} from './vendor-helpers';

// `block`: page path patterns (or full URLs) on which a destination gets nothing (reported as
// dropped, reason `blocked`) and a vendor tag does not even load. Pages at /health/… are the
// vendor-page.html fixture served under that path.
const collector = useCollector();

function config(extra: Record<string, unknown> = {}) {
  const { app } = collector;
  return {
    version: 1,
    consent: { defaults: { analytics: 'granted', marketing: 'granted' } },
    delivery: { flushIntervalMs: 50 },
    ...extra,
    destinations: [
      http('collector'),
      http('guarded', { block: ['/health/*'] }),
      http('guarded-url', { block: [`${app.url}/health/*`] }),
      { id: 'ga4', type: 'ga4', purposes: ['analytics'], settings: { measurementId: 'G-TEST123' }, block: ['/health/*'] },
      { id: 'meta', type: 'meta-pixel', purposes: ['marketing'], settings: { pixelId: '1234567890' }, block: ['/health/*', '/clinic'] },
    ],
  };
}

const label = (e: ReceivedEvent): string => (e.type === 'track' ? String(e.event) : e.type);
const dropped = (page: Page) =>
  page.evaluate(() => window.reports!.filter((r) => r.type === 'dropped').map((r) => [r.destination, r.reason, r.messageIds!.length]));

test.describe('destination rules: block', () => {
  test('on a blocked page the destination gets nothing and a vendor tag loads nothing; the others get every event; elsewhere all load', async ({
    page,
  }) => {
    const { app } = collector;
    const net = watchNetwork(page);
    await routeVendors(page, app);
    const path = await serveConfig(page, app, config(), 'rules-block');
    await openVendorPage(page, await vendorPage(page, app, path, { path: '/health/checkup' }));
    expect(await page.evaluate(() => location.pathname)).toBe('/health/checkup');
    await page.evaluate(async () => {
      window.acquaint!.track('symptom_search', { q: 'cough' });
      await window.acquaint!.flush();
    });
    expect((await waitForEvents(app, 2, 'collector')).map(label)).toEqual(['page', 'symptom_search']);
    for (const destination of ['guarded', 'guarded-url']) expect(eventsFor(app, destination)).toEqual([]);
    expect((await dropped(page)).sort()).toEqual(
      ['guarded', 'guarded-url', 'ga4', 'meta']
        .flatMap((d) => [
          [d, 'blocked', 1],
          [d, 'blocked', 1],
        ])
        .sort(),
    );
    // No vendor file, no vendor global.
    expect(net.chunks()).toEqual([]);
    expect(net.vendor()).toEqual([]);
    expect(await page.evaluate(() => [typeof window.fbq, typeof window.acquaintGtagLayer, window.__vendorCalls])).toEqual([
      'undefined',
      'undefined',
      undefined,
    ]);

    // The same config on a page that is not blocked: everything loads and receives.
    expect((await fetch(`${app.url}/collector/clear`, { method: 'POST' })).ok).toBe(true);
    await openVendorPage(page, await vendorPage(page, app, path));
    await page.evaluate(async () => {
      window.acquaint!.track('purchase', { value: 1 });
      await window.acquaint!.flush();
    });
    for (const destination of ['collector', 'guarded', 'guarded-url'])
      expect((await waitForEvents(app, 2, destination)).map(label)).toEqual(['page', 'purchase']);
    await waitForCall(page, 'gtag', (args) => args[1] === 'purchase', 'purchase');
    await waitForCall(page, 'fbq', (args) => args[1] === 'Purchase', 'Purchase');
    expect(net.vendor()).toHaveLength(2);
    expect(await dropped(page)).toEqual([]);
  });

  test('single-page app: leaving a blocked page loads the vendor tag and sends from then on; events back on a blocked page are not sent', async ({
    page,
  }) => {
    const { app } = collector;
    const net = watchNetwork(page);
    await routeVendors(page, app);
    const path = await serveConfig(page, app, config({ autoPage: 'history' }), 'rules-block-spa');
    await openVendorPage(page, await vendorPage(page, app, path, { path: '/health/checkup' }));
    await waitForEvents(app, 1, 'collector');
    expect(net.chunks()).toEqual([]);

    await page.evaluate(() => {
      history.pushState({}, '', '/shop');
      document.title = 'Shop';
    });
    const pageView = await waitForCall(page, 'gtag', (args) => args[1] === 'page_view', 'page_view');
    expect(pageView[2]).toMatchObject({ page_location: `${app.url}/shop`, page_title: 'Shop' });
    await waitForCall(page, 'fbq', (args) => args[1] === 'PageView', 'PageView');
    expect((await waitForEvents(app, 1, 'guarded')).map((e) => e.context.page.path)).toEqual(['/shop']);

    // Back on a blocked path (meta's own '/clinic'): that page and what happens there stay away.
    await page.evaluate(() => history.pushState({}, '', '/clinic'));
    await expect.poll(() => eventsFor(app, 'collector').filter((e) => e.type === 'page').length).toBe(3);
    await page.evaluate(async () => {
      window.acquaint!.track('book_appointment');
      await window.acquaint!.flush();
    });
    await waitForCall(page, 'gtag', (args) => args[1] === 'book_appointment', 'book_appointment');
    await expect.poll(() => eventsFor(app, 'guarded').map(label)).toEqual(['page', 'page', 'book_appointment']);
    expect(eventCalls(await vendorCalls(page, 'gtag'), 'event').map((args) => args[1])).toEqual([
      'page_view',
      'page_view',
      'book_appointment',
    ]);
    expect(eventCalls(await vendorCalls(page, 'fbq'), ['track', 'trackCustom']).map((args) => args[1])).toEqual(['PageView']);
    expect((await dropped(page)).filter(([d]) => d === 'meta')).toEqual([
      ['meta', 'blocked', 1],
      ['meta', 'blocked', 1],
      ['meta', 'blocked', 1],
    ]);
  });
});
