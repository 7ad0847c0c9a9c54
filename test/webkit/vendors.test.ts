import { describe, expect, test } from 'vitest';
import { arrived, flush, names, open, run, track, until, useWebKit } from './harness';

// Vendor tags in WebKit: the ga4 and meta-pixel destinations load their vendor script (here the
// recording stand-ins demo/vendor/gtag.js and fbevents.js, served by the collector from the
// page's origin through `settings.src`) only once their purpose is granted, and the vendor's
// calls carry only events that purpose allowed.
const site = useWebKit();

const CONFIG = {
  version: 1,
  consent: { defaults: { analytics: 'pending', marketing: 'pending', personalization: 'denied' } },
  delivery: { flushIntervalMs: 50 },
  destinations: [
    { id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } },
    { id: 'ga4', type: 'ga4', purposes: ['analytics'], settings: { measurementId: 'G-TEST123', src: '/vendor/gtag.js' } },
    { id: 'meta', type: 'meta-pixel', purposes: ['marketing'], settings: { pixelId: '1234567890', src: '/vendor/fbevents.js' } },
  ],
};

interface VendorCall {
  vendor: 'gtag' | 'fbq';
  args: unknown[];
}

/** What the stand-ins recorded in `window.__vendorCalls`, for one vendor, in order. */
const calls = async (vendor: VendorCall['vendor']): Promise<unknown[][]> =>
  (await run(site.driver, () => (window as unknown as { __vendorCalls?: VendorCall[] }).__vendorCalls ?? []))
    .filter((c) => c.vendor === vendor)
    .map((c) => c.args);

/** gtag('event', name, …) names, in order. */
const gtagEvents = async () => (await calls('gtag')).filter((args) => args[0] === 'event').map((args) => String(args[1]));
/** fbq('track' | 'trackCustom', name, …) names, in order. */
const fbqEvents = async () =>
  (await calls('fbq')).filter((args) => args[0] === 'track' || args[0] === 'trackCustom').map((args) => String(args[1]));

/** Paths of the scripts the page fetched (resource timing), among those of the vendor tags. */
const vendorFiles = () =>
  run(site.driver, () =>
    performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => /^\/(vendor\/|acquaint-(ga4|meta-pixel)\.js)/.test(path))
      .sort(),
  );

const update = (choices: Record<string, string>) =>
  run(site.driver, (choices: Record<string, string>) => window.acquaint!.consent.update(choices), choices);

async function openPage(): Promise<void> {
  await open(site.driver, `${site.app.url}/vendor-page.html?config=${site.config(CONFIG)}`);
}

describe('vendor tags', () => {
  test('before consent no vendor script is fetched and no vendor global exists', async () => {
    const { driver, app } = site;
    await openPage();
    await track(driver, ['view_item']);
    await flush(driver);
    expect(await vendorFiles()).toEqual([]);
    expect(await run(driver, () => ['__vendorCalls', 'acquaintGtagLayer', 'fbq', '_fbq', 'gtag'].filter((name) => name in window))).toEqual(
      [],
    );
    expect(app.requests).toBe(0);
  });

  test('analytics granted, marketing denied: gtag gets the held events in order with Consent Mode first; Meta never loads', async () => {
    const { driver, app } = site;
    await openPage();
    await track(driver, ['held_event']);
    await update({ analytics: 'granted', marketing: 'denied' });
    await track(driver, ['after_grant']);
    await flush(driver);

    await until(async () => (await gtagEvents()).includes('after_grant'), 'gtag to get after_grant');
    expect(await gtagEvents()).toEqual(['page_view', 'held_event', 'after_grant']);
    const [first] = await calls('gtag');
    expect(first).toEqual(['consent', 'default', expect.objectContaining({ analytics_storage: 'granted', ad_storage: 'denied' })]);
    expect(names(await arrived(app, ['after_grant']))).toEqual(['page', 'held_event', 'after_grant']);
    expect(await vendorFiles()).toEqual(['/acquaint-ga4.js', '/vendor/gtag.js']);
    expect(await calls('fbq')).toEqual([]);
    expect(await run(driver, () => 'fbq' in window)).toBe(false);
  });

  test('marketing granted later: Meta loads and gets only what was tracked from then on', async () => {
    const { driver } = site;
    await openPage();
    await track(driver, ['held_event']);
    await update({ analytics: 'granted', marketing: 'denied' });
    await track(driver, ['analytics_only']);
    await update({ marketing: 'granted' });
    await run(driver, () =>
      window.acquaint!.track('purchase', { ecommerce: { value: 10, currency: 'EUR', items: [{ item_id: 'SKU-1' }] } }),
    );
    await track(driver, ['both_allowed']);
    await flush(driver);

    await until(async () => (await fbqEvents()).includes('both_allowed'), 'fbq to get both_allowed');
    expect(await fbqEvents()).toEqual(['Purchase', 'both_allowed']);
    const purchase = (await calls('fbq')).find((args) => args[1] === 'Purchase')!;
    expect(purchase[2]).toMatchObject({ value: 10, currency: 'EUR', content_ids: ['SKU-1'] });
    await until(async () => (await gtagEvents()).includes('both_allowed'), 'gtag to get both_allowed');
    expect(await gtagEvents()).toEqual(['page_view', 'held_event', 'analytics_only', 'purchase', 'both_allowed']);
    // Consent Mode followed the change: gtag's last word on consent (its default, when gtag was
    // set up after the marketing grant, or an update) has marketing granted.
    const consentCalls = (await calls('gtag')).filter((args) => args[0] === 'consent');
    expect(consentCalls.at(-1)?.[2]).toMatchObject({ analytics_storage: 'granted', ad_storage: 'granted' });
    expect(await vendorFiles()).toEqual(['/acquaint-ga4.js', '/acquaint-meta-pixel.js', '/vendor/fbevents.js', '/vendor/gtag.js']);
  });
});
