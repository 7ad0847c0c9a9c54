import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FIXTURES, names, useCollector, waitForEvents, waitForReport, type DeliveryReport } from './helpers';
import { openVendorPage, routeVendors, serveConfig, sri, vendorPage, watchNetwork } from './vendor-helpers';

// The `script` destination: any vendor tag, declared in the config. It loads after consent
// (its own /acquaint-script.js, then `src`), makes `init` calls, turns each event into the
// calls of the first matching key; SRI and the CSP nonce go on its tag; a tag that fails to
// load is reported and holds nobody else up.
const collector = useCollector();

const WIDGET_JS = readFileSync(resolve(FIXTURES, 'vendor-widget.js'));

const CALLS = {
  page: [['pageview', '{{context.page.url}}', '{{context.page.title}}']],
  purchase: [
    ['conversion', '{{event}}', '{{properties.value}}', '{{properties}}'],
    ['log', 'order {{properties.order_id}}: {{properties.value}} {{properties.currency}}'],
  ],
  'add_*': [['cart', '{{event}}', '{{properties.sku}}']],
  add_to_cart: [['never', 'a later key that also matches']],
  identify: [['user', '{{userId}}', '{{traits.plan}}']],
  '*': [['other', '{{event}}', '{{userId}}']],
};

function config(widget: Record<string, unknown> = {}, marketing = 'pending') {
  return {
    version: 1,
    consent: { defaults: { analytics: 'granted', marketing } },
    delivery: { flushIntervalMs: 50 },
    destinations: [
      { id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } },
      {
        id: 'widget',
        type: 'script',
        purposes: ['marketing'],
        settings: { src: '/vendor-widget.js', global: 'widget', init: [['init', 'W-1', { debug: false }]], calls: CALLS, ...widget },
      },
    ],
  };
}

async function open(page: Page, cfg: unknown, nonce?: string): Promise<string> {
  const { app } = collector;
  await routeVendors(page, app);
  const url = await vendorPage(page, app, await serveConfig(page, app, cfg, 'vendor-script'), nonce ? { nonce } : {});
  await openVendorPage(page, url);
  return url;
}

const widgetCalls = (page: Page): Promise<unknown[][]> => page.evaluate(() => window.__widgetCalls ?? []);
async function waitForWidget(page: Page, n: number): Promise<unknown[][]> {
  await expect
    .poll(async () => (await widgetCalls(page)).length, { message: `waiting for ${n} widget call(s)`, timeout: 10_000 })
    .toBeGreaterThanOrEqual(n);
  return widgetCalls(page);
}

/** The `<script>` elements acquaint added, as the page sees them (the nonce only as a property). */
const addedScripts = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('script[src]'), (s) => {
      const script = s as HTMLScriptElement;
      return { path: new URL(script.src).pathname, nonce: script.nonce, integrity: script.integrity, crossOrigin: script.crossOrigin };
    }).filter((s) => s.path !== '/acquaint.js'),
  );

test.describe('vendor tags: the script destination', () => {
  test('loads only after consent, then makes the init calls and each event the calls of the first matching key', async ({ page }) => {
    const { app } = collector;
    const net = watchNetwork(page);
    const url = await open(page, config());
    await page.evaluate(async () => {
      window.acquaint!.track('purchase', { value: 42, currency: 'EUR', order_id: 'T-1' });
      await window.acquaint!.flush();
    });
    await waitForEvents(app, 2, 'collector');
    expect(net.to('/vendor-widget.js')).toEqual([]);
    expect(net.chunks()).toEqual([]);
    expect(await page.evaluate(() => [typeof window.widget, window.__widgetCalls])).toEqual(['undefined', undefined]);

    await page.evaluate(async () => {
      window.acquaint!.consent.update({ marketing: 'granted' });
      window.acquaint!.track('add_to_cart', { sku: 'SKU-1' });
      window.acquaint!.identify('u-7', { plan: 'pro' });
      window.acquaint!.track('misc');
      await window.acquaint!.flush();
    });
    const calls = await waitForWidget(page, 7);
    expect(calls).toEqual([
      ['init', 'W-1', { debug: false }],
      ['pageview', url, 'Vendor fixture'],
      ['conversion', 'purchase', 42, { value: 42, currency: 'EUR', order_id: 'T-1' }],
      ['log', 'order T-1: 42 EUR'],
      ['cart', 'add_to_cart', 'SKU-1'],
      ['user', 'u-7', 'pro'],
      ['other', 'misc', 'u-7'],
    ]);
    expect(net.to('/vendor-widget.js')).toHaveLength(1);
    expect(net.to('/acquaint-script.js')).toHaveLength(1);
    expect((await waitForEvents(app, 5, 'collector')).map((e) => e.event ?? e.type)).toEqual([
      'page',
      'purchase',
      'add_to_cart',
      'identify',
      'misc',
    ]);
  });

  test('the vendor tag carries the nonce of acquaint’s own tag, and a matching integrity loads', async ({ page }) => {
    const integrity = sri(WIDGET_JS);
    await open(page, config({ integrity }, 'granted'), 'n0nce-4711');
    const calls = await waitForWidget(page, 2);
    expect(calls.slice(0, 2)).toEqual([
      ['init', 'W-1', { debug: false }],
      ['pageview', expect.any(String), 'Vendor fixture'],
    ]);
    const scripts = await addedScripts(page);
    expect(scripts).toEqual([
      // The chunk acquaint loads for the type, and the vendor's file.
      { path: '/acquaint-script.js', nonce: 'n0nce-4711', integrity: '', crossOrigin: null },
      { path: '/vendor-widget.js', nonce: 'n0nce-4711', integrity, crossOrigin: 'anonymous' },
    ]);
    expect(await page.evaluate(() => (window.reports ?? []).filter((r) => r.type === 'error'))).toEqual([]);
  });

  test('a wrong integrity is refused: destination_load_failed for that destination, the vendor never runs, the collector gets every event', async ({
    page,
  }) => {
    const { app } = collector;
    await open(page, config({ integrity: sri('window.widget = function () {};') }, 'granted'));
    const failure = await waitForReport(page, { type: 'error', code: 'destination_load_failed' });
    expect(failure).toMatchObject({ destination: 'widget', code: 'destination_load_failed' });
    expect(failure.message).toContain('/vendor-widget.js');

    await page.evaluate(async () => {
      window.acquaint!.track('purchase', { value: 1 });
      window.acquaint!.track('after_failure');
      await window.acquaint!.flush();
    });
    expect(names(await waitForEvents(app, 3, 'collector'))).toEqual(['page', 'purchase', 'after_failure']);
    // The sends to it fail too, and are to be retried.
    const sendFailed = await waitForReport(page, { type: 'error', code: 'send_failed', destination: 'widget' });
    expect(sendFailed.retry).toBe(true);
    expect(
      await page.evaluate(() => [
        typeof window.widget,
        window.__widgetCalls,
        (window as unknown as { __widgetLoaded?: number }).__widgetLoaded,
      ]),
    ).toEqual(['undefined', undefined, undefined]);
    const errors = await page.evaluate(() => (window.reports ?? []).filter((r) => r.type === 'error'));
    expect(errors.every((r: DeliveryReport) => r.destination === 'widget')).toBe(true);
  });

  test('a src that answers 404 is reported; the other destination is unaffected', async ({ page }) => {
    const { app } = collector;
    await open(page, config({ src: '/vendor-missing.js' }, 'granted'));
    const failure = await waitForReport(page, { type: 'error', code: 'destination_load_failed' });
    expect(failure.destination).toBe('widget');
    await page.evaluate(async () => {
      window.acquaint!.track('still_sent');
      await window.acquaint!.flush();
    });
    expect(names(await waitForEvents(app, 2, 'collector'))).toEqual(['page', 'still_sent']);
    expect(await page.evaluate(() => window.reports!.filter((r) => r.type === 'delivered' && r.destination === 'widget'))).toEqual([]);
  });
});
