import { expect, test, type Page } from '@playwright/test';
import { http, useCollector, waitForEvents, type ReceivedEvent } from './helpers';
import { eventCalls, eventsFor, openVendorPage, routeVendors, serveConfig, vendorCalls, vendorPage, waitForCall } from './vendor-helpers';

// Destination rules that choose what leaves: `events` (include list or {include, exclude},
// `*` wildcards) and `fields` (an allow-list of paths). Checked on the wire (the collector)
// and on a vendor tag (gtag calls).
const collector = useCollector();

async function open(page: Page, destinations: unknown[]): Promise<string> {
  const { app } = collector;
  await routeVendors(page, app);
  const config = { version: 1, consent: { defaults: { analytics: 'granted' } }, delivery: { flushIntervalMs: 50 }, destinations };
  const url = await vendorPage(page, app, await serveConfig(page, app, config, 'rules-filter'));
  await openVendorPage(page, url);
  return url;
}

const label = (e: ReceivedEvent): string => (e.type === 'track' ? String(e.event) : e.type);

test.describe('destination rules: events and fields', () => {
  test('events: an include list and {include, exclude} with wildcards choose per destination; filtered events are not reported as dropped', async ({
    page,
  }) => {
    const { app } = collector;
    await open(page, [
      http('all'),
      http('only', { events: ['page', 'purchase', 'add_to_*'] }),
      http('except', { events: { exclude: ['debug_*', 'identify'] } }),
      http('both', { events: { include: ['*_item', 'identify'], exclude: ['remove_*'] } }),
      { id: 'ga4', type: 'ga4', purposes: ['analytics'], settings: { measurementId: 'G-TEST123' }, events: ['purchase'] },
    ]);
    await page.evaluate(async () => {
      const a = window.acquaint!;
      a.track('add_to_cart');
      a.track('view_item');
      a.track('debug_ping');
      a.identify('u-1');
      a.track('remove_item');
      a.track('add_to_wishlist');
      a.track('purchase', { value: 5 });
      await a.flush();
    });
    const everything = ['page', 'add_to_cart', 'view_item', 'debug_ping', 'identify', 'remove_item', 'add_to_wishlist', 'purchase'];
    expect((await waitForEvents(app, everything.length, 'all')).map(label)).toEqual(everything);
    expect((await waitForEvents(app, 4, 'only')).map(label)).toEqual(['page', 'add_to_cart', 'add_to_wishlist', 'purchase']);
    expect((await waitForEvents(app, 6, 'except')).map(label)).toEqual([
      'page',
      'add_to_cart',
      'view_item',
      'remove_item',
      'add_to_wishlist',
      'purchase',
    ]);
    expect((await waitForEvents(app, 2, 'both')).map(label)).toEqual(['view_item', 'identify']);

    // The vendor tag gets only its one event: not even the page view.
    await waitForCall(page, 'gtag', (args) => args[1] === 'purchase', 'purchase');
    await page.evaluate(() => window.acquaint!.flush());
    expect(eventCalls(await vendorCalls(page, 'gtag'), 'event')).toEqual([['event', 'purchase', { value: 5, send_to: 'G-TEST123' }]]);

    // Nothing more arrived later, and a filter is no drop.
    expect(eventsFor(app, 'only').map(label)).toEqual(['page', 'add_to_cart', 'add_to_wishlist', 'purchase']);
    expect(eventsFor(app, 'both').map(label)).toEqual(['view_item', 'identify']);
    expect(await page.evaluate(() => window.reports!.filter((r) => r.type !== 'delivered'))).toEqual([]);
  });

  test('fields: only the allowed paths of properties, traits and context leave; the envelope and consent/library stay', async ({
    page,
  }) => {
    const { app } = collector;
    const url = await open(page, [
      http('all'),
      http('minimal', {
        fields: [
          'properties.value',
          'properties.currency',
          'properties.items.item_id',
          'properties.dims.*.id',
          'properties.nested',
          'traits.plan',
          'context.page.url',
        ],
      }),
    ]);
    const properties = {
      value: 10,
      currency: 'EUR',
      coupon: 'SUMMER',
      secret: 'do not send',
      items: [
        { item_id: 'A', price: 5, name: 'Fan' },
        { item_id: 'B', price: 5 },
      ],
      dims: { a: { id: 1, x: 'drop' }, b: { id: 2, y: 'drop' } },
      nested: { keep: { all: [1, 2] }, of: 'it' },
    };
    await page.evaluate(async (properties) => {
      window.acquaint!.track('purchase', properties);
      window.acquaint!.identify('u-9', { plan: 'pro', name: 'Ada', company: 'ACME' });
      await window.acquaint!.flush();
    }, properties);

    const full = await waitForEvents(app, 3, 'all');
    const [page1, purchase, identify] = await waitForEvents(app, 3, 'minimal');
    expect([page1, purchase, identify].map((e) => label(e!))).toEqual(['page', 'purchase', 'identify']);

    expect(purchase!.properties).toEqual({
      value: 10,
      currency: 'EUR',
      items: [{ item_id: 'A' }, { item_id: 'B' }],
      dims: { a: { id: 1 }, b: { id: 2 } },
      nested: { keep: { all: [1, 2] }, of: 'it' },
    });
    expect(identify!.traits).toEqual({ plan: 'pro' });
    // Page views keep only what the list names of their properties: none here.
    expect(page1!.properties).toEqual({});
    for (const event of [page1!, purchase!, identify!]) {
      expect(Object.keys(event.context).sort()).toEqual(['consent', 'library', 'page']);
      expect(event.context.page).toEqual({ url });
      expect(event.context.consent).toMatchObject({ analytics: 'granted' });
      expect(event.context.library).toMatchObject({ name: 'acquaint' });
    }
    // The envelope is the same event's as the unfiltered destination's.
    const twin = full.find((e) => e.messageId === purchase!.messageId)!;
    for (const key of ['type', 'event', 'anonymousId', 'userId', 'messageId', 'timestamp'] as const)
      expect(purchase![key]).toEqual(twin[key]);
    expect(identify!.userId).toBe('u-9');
    // The unfiltered destination got it all.
    expect(twin.properties).toEqual(properties);
    expect(Object.keys(twin.context)).toEqual(expect.arrayContaining(['page', 'sessionId', 'consent', 'library']));
  });
});
