import { expect, test, type Page } from '@playwright/test';
import { useCollector, waitForEvents, type ReceivedEvent } from './helpers';
import {
  eventCalls,
  openVendorPage,
  routeVendors,
  serveConfig,
  sha256,
  strings,
  trackAndFlush,
  vendorCalls,
  vendorPage,
  waitForCall,
  waitForCalls,
  watchNetwork,
  type NetworkLog,
} from './vendor-helpers';

// The ga4 and meta-pixel destinations against recording stand-ins of gtag.js and fbevents.js:
// nothing of a vendor exists on the page before its purposes are granted; then the exact
// command sequences, Consent Mode following later changes, hashed advanced matching.
const collector = useCollector();

const GA4 = 'G-TEST123';
const PIXEL = '1234567890';
const CONFIG = {
  version: 1,
  consent: { defaults: { analytics: 'pending', marketing: 'pending', personalization: 'denied' } },
  delivery: { flushIntervalMs: 50 },
  destinations: [
    { id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } },
    { id: 'ga4', type: 'ga4', purposes: ['analytics'], settings: { measurementId: GA4, eventNames: { signup_done: 'sign_up' } } },
    {
      id: 'meta',
      type: 'meta-pixel',
      purposes: ['marketing'],
      settings: { pixelId: PIXEL, eventNames: { signup_done: 'CompleteRegistration', newsletter: 'Lead' } },
    },
  ],
};
const PURCHASE = {
  ecommerce: {
    transaction_id: 'T-1',
    value: 42,
    currency: 'EUR',
    items: [
      { item_id: 'SKU-1', quantity: 2, price: 15 },
      { item_id: 'SKU-2', price: 12 },
    ],
  },
};
const consentMode = (analytics: string, marketing: string) => ({
  analytics_storage: analytics,
  ad_storage: marketing,
  ad_user_data: marketing,
  ad_personalization: marketing,
  personalization_storage: 'denied',
});

async function open(page: Page, config: unknown = CONFIG): Promise<{ url: string; net: NetworkLog }> {
  const { app } = collector;
  const net = watchNetwork(page);
  await routeVendors(page, app);
  const url = await vendorPage(page, app, await serveConfig(page, app, config, 'vendor-tags'));
  await openVendorPage(page, url);
  return { url, net };
}

const grant = (page: Page, choices: Record<string, string>) =>
  page.evaluate((choices) => window.acquaint!.consent.update(choices), choices);
const byName = (events: ReceivedEvent[], name: string) => events.find((e) => (name === 'page' ? e.type === 'page' : e.event === name))!;

/** identify with an email, then a standard event: the pixel's init carries only hashes. */
async function checkAdvancedMatching(page: Page, config: unknown): Promise<void> {
  await open(page, config);
  await grant(page, { analytics: 'granted', marketing: 'granted' });
  await waitForCall(page, 'fbq', (args) => args[1] === 'PageView', 'PageView');
  await page.evaluate(() => {
    window.acquaint!.identify('u-1', { email: ' Ada@Example.com ' });
    window.acquaint!.track('sign_up', { method: 'email' });
  });
  const signUp = await waitForCall(page, 'fbq', (args) => args[1] === 'CompleteRegistration', 'CompleteRegistration');
  const fbq = await vendorCalls(page, 'fbq');
  expect(fbq.filter((args) => args[0] === 'init')).toEqual([
    ['init', PIXEL],
    ['init', PIXEL, { external_id: sha256('u-1'), em: sha256('ada@example.com') }],
  ]);
  // The matching comes before the event it belongs to.
  expect(fbq.findIndex((args) => args[0] === 'init' && args.length === 3)).toBeLessThan(
    fbq.findIndex((args) => args[1] === 'CompleteRegistration'),
  );
  expect(signUp).toEqual(['track', 'CompleteRegistration', { method: 'email' }, { eventID: expect.any(String) }]);

  await waitForCall(page, 'gtag', (args) => args[1] === 'sign_up', 'sign_up');
  expect((await vendorCalls(page, 'gtag')).filter((args) => args[0] === 'set')).toEqual([['set', { user_id: 'u-1' }]]);

  // Nowhere in what the vendors got, nor in what is still queued for them, is the address.
  const everything = await page.evaluate(() => ({
    calls: window.__vendorCalls,
    layer: (window.acquaintGtagLayer ?? []).map((args) => Array.from(args as ArrayLike<unknown>)),
    queue: (window.fbq as { queue?: unknown }).queue,
  }));
  for (const text of strings(everything)) expect(text.toLowerCase()).not.toContain('ada@example.com');
}

test.describe('vendor tags: ga4 and meta-pixel', () => {
  test('nothing of a vendor before consent; after the grant the exact gtag and fbq sequences', async ({ page }) => {
    const { app } = collector;
    const { url, net } = await open(page);
    await trackAndFlush(page, [['purchase', PURCHASE]]);

    // Pending: no file fetched, no global defined, no call made, nothing sent.
    expect(net.chunks()).toEqual([]);
    expect(net.vendor()).toEqual([]);
    expect(
      await page.evaluate(() => ({
        fbq: typeof window.fbq,
        _fbq: typeof (window as unknown as Record<string, unknown>)._fbq,
        layer: typeof window.acquaintGtagLayer,
        calls: window.__vendorCalls,
        scripts: Array.from(document.scripts, (s) => s.src).filter((src) => src && !src.endsWith('/acquaint.js')),
      })),
    ).toEqual({ fbq: 'undefined', _fbq: 'undefined', layer: 'undefined', calls: undefined, scripts: [] });
    expect(app.events).toEqual([]);

    await grant(page, { analytics: 'granted', marketing: 'granted' });
    const collected = await waitForEvents(app, 2, 'collector');
    const pageView = byName(collected, 'page');
    const purchase = byName(collected, 'purchase');

    const gtag = await waitForCalls(page, 'gtag', 5);
    expect(gtag).toEqual([
      ['consent', 'default', consentMode('granted', 'granted')],
      ['js', expect.any(Date)],
      ['config', GA4, { send_page_view: false }],
      ['event', 'page_view', { send_to: GA4, page_location: url, page_referrer: '', page_title: 'Vendor fixture' }],
      ['event', 'purchase', { transaction_id: 'T-1', value: 42, currency: 'EUR', items: PURCHASE.ecommerce.items, send_to: GA4 }],
    ]);

    const fbq = await waitForCalls(page, 'fbq', 5);
    expect(fbq).toEqual([
      ['set', 'autoConfig', false, PIXEL],
      ['consent', 'grant'],
      ['init', PIXEL],
      ['track', 'PageView', {}, { eventID: pageView.messageId }],
      [
        'track',
        'Purchase',
        {
          transaction_id: 'T-1',
          value: 42,
          currency: 'EUR',
          content_ids: ['SKU-1', 'SKU-2'],
          contents: [
            { id: 'SKU-1', quantity: 2 },
            { id: 'SKU-2', quantity: 1 },
          ],
          content_type: 'product',
          num_items: 2,
        },
        { eventID: purchase.messageId },
      ],
    ]);

    // Each vendor file once, from its real URL (routed to the stand-in), after the grant.
    expect(
      net
        .chunks()
        .map((u) => new URL(u).pathname)
        .sort(),
    ).toEqual(['/acquaint-ga4.js', '/acquaint-meta-pixel.js']);
    expect(net.vendor().sort()).toEqual([
      'https://connect.facebook.net/en_US/fbevents.js',
      `https://www.googletagmanager.com/gtag/js?id=${GA4}&l=acquaintGtagLayer`,
    ]);
    // gtag.js reads its own layer: window.dataLayer never sees a gtag command of acquaint's.
    expect(
      await page.evaluate(
        () => (window.dataLayer as unknown[]).filter((item) => Object.prototype.toString.call(item) === '[object Arguments]').length,
      ),
    ).toBe(0);
  });

  test('Consent Mode follows the state: ads denied while marketing is pending, updated on grant and on withdrawal, which also revokes and stops the pixel', async ({
    page,
  }) => {
    const { app } = collector;
    const { net } = await open(page);

    // Analytics alone: gtag loads with the ad keys denied; the pixel stays away.
    await grant(page, { analytics: 'granted' });
    await waitForCall(page, 'gtag', (args) => args[1] === 'page_view', 'page_view');
    expect((await vendorCalls(page, 'gtag'))[0]).toEqual(['consent', 'default', consentMode('granted', 'denied')]);
    expect(net.to('/acquaint-meta-pixel.js')).toEqual([]);
    expect(await page.evaluate(() => typeof window.fbq)).toBe('undefined');

    // Marketing granted: Consent Mode update, and the pixel loads with what was held.
    await grant(page, { marketing: 'granted' });
    await waitForCall(page, 'fbq', (args) => args[1] === 'PageView', 'PageView');
    const updates = () => vendorCalls(page, 'gtag').then((calls) => calls.filter((args) => args[0] === 'consent' && args[1] === 'update'));
    expect(await updates()).toEqual([['consent', 'update', consentMode('granted', 'granted')]]);

    // Marketing withdrawn: gtag hears of it, the pixel is revoked and gets nothing more.
    await grant(page, { marketing: 'denied' });
    await waitForCall(page, 'fbq', (args) => args[0] === 'consent' && args[1] === 'revoke', "consent 'revoke'");
    expect(await updates()).toEqual([
      ['consent', 'update', consentMode('granted', 'granted')],
      ['consent', 'update', consentMode('granted', 'denied')],
    ]);
    const fbqBefore = await vendorCalls(page, 'fbq');
    expect(fbqBefore.at(-1)).toEqual(['consent', 'revoke']);

    await trackAndFlush(page, [['add_to_cart', { ecommerce: { items: [{ item_id: 'SKU-9' }] } }]]);
    await waitForCall(page, 'gtag', (args) => args[1] === 'add_to_cart', 'add_to_cart');
    await expect.poll(() => app.events.some((e) => e.event === 'add_to_cart')).toBe(true);
    await page.evaluate(() => window.acquaint!.flush());
    expect(await vendorCalls(page, 'fbq')).toEqual(fbqBefore);
    expect(
      await page.evaluate(() =>
        (window.reports ?? []).filter((r) => r.type === 'dropped' && r.destination === 'meta').map((r) => r.reason),
      ),
    ).toEqual(['consent_denied']);
  });

  // traits.email is hashed for meta-pixel by the rules before the default redaction sees it.
  test('advanced matching sends only SHA-256 of the userId and the normalised email, never the address itself', async ({ page }) => {
    await checkAdvancedMatching(page, CONFIG);
  });

  test('advanced matching with traits.email exempt from redaction: SHA-256 of the normalised email, never the address itself', async ({
    page,
  }) => {
    const config = structuredClone(CONFIG);
    Object.assign(config.destinations[2]!, { redact: { allow: ['traits.email'] } });
    await checkAdvancedMatching(page, config);
  });

  test('eventNames rename per vendor; unmapped names go as they are (GA4) or as custom events (Meta)', async ({ page }) => {
    const { app } = collector;
    await open(page);
    await grant(page, { analytics: 'granted', marketing: 'granted' });
    await trackAndFlush(page, [
      ['signup_done', { plan: 'pro' }],
      ['newsletter', {}],
      ['wishlist_share', { item: 'SKU-1' }],
    ]);
    const collected = await waitForEvents(app, 4, 'collector');
    const id = (name: string) => byName(collected, name).messageId;

    await waitForCall(page, 'gtag', (args) => args[1] === 'wishlist_share', 'wishlist_share');
    expect(eventCalls(await vendorCalls(page, 'gtag'), 'event').map((args) => args[1])).toEqual([
      'page_view',
      'sign_up',
      'newsletter',
      'wishlist_share',
    ]);

    await waitForCall(page, 'fbq', (args) => args[1] === 'wishlist_share', 'wishlist_share');
    expect(eventCalls(await vendorCalls(page, 'fbq'), ['track', 'trackCustom'])).toEqual([
      ['track', 'PageView', {}, { eventID: id('page') }],
      ['track', 'CompleteRegistration', { plan: 'pro' }, { eventID: id('signup_done') }],
      ['track', 'Lead', {}, { eventID: id('newsletter') }],
      ['trackCustom', 'wishlist_share', { item: 'SKU-1' }, { eventID: id('wishlist_share') }],
    ]);
  });
});
