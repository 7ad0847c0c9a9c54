import { expect, test, type Page } from '@playwright/test';
import { useCollector, type WireEvent } from './helpers';
import { useRelay, watchRelay, type RelayLog } from './relay-helpers';
import {
  openVendorPage,
  routeVendors,
  serveConfig,
  strings,
  trackAndFlush,
  vendorCalls,
  vendorPage,
  waitForCall,
  watchNetwork,
  type NetworkLog,
} from './vendor-helpers';

// Server-side tagging end to end (contract §9): the page sends server-mode destinations' events to
// the real relay (dist/relay.mjs, PGlite), which forwards them to the vendor stand-ins. GA4 is in
// `server` mode (no gtag.js in the page), Meta in `both` (pixel and Conversions API, deduplicated
// by event_id), and an http destination gets a write key that only the relay holds.
const collector = useCollector();
const AUTH = 'Bearer warehouse-write-key-7f3a';
const relay = useRelay(
  { apiSecret: 'ga4-secret', accessToken: 'meta-token', authorization: AUTH },
  { GA4_SECRET: 'ga4-secret', META_TOKEN: 'meta-token', WAREHOUSE_AUTH: AUTH },
  (url, vendors) => ({
    version: 1,
    consent: { defaults: { analytics: 'pending', marketing: 'pending', personalization: 'denied' } },
    delivery: { flushIntervalMs: 50, retryBaseMs: 200 },
    relay: { url, origins: [new URL(collector.app.url).origin] },
    destinations: [
      {
        id: 'ga4',
        type: 'ga4',
        mode: 'server',
        purposes: ['analytics'],
        settings: { measurementId: 'G-TEST123', apiSecretEnv: 'GA4_SECRET', endpoint: vendors.ga4Endpoint },
      },
      {
        id: 'meta',
        type: 'meta-pixel',
        mode: 'both',
        purposes: ['marketing'],
        settings: { pixelId: '1234567890', accessTokenEnv: 'META_TOKEN', endpoint: vendors.metaEndpoint },
      },
      {
        id: 'warehouse',
        type: 'http',
        mode: 'server',
        purposes: ['analytics'],
        settings: { url: vendors.httpUrl, headersEnv: { Authorization: 'WAREHOUSE_AUTH' } },
      },
    ],
  }),
);

async function open(page: Page): Promise<{ net: NetworkLog; log: RelayLog; toRelay: (path?: string) => string[] }> {
  const { app } = collector;
  const { relay: running, config } = relay.current;
  const net = watchNetwork(page);
  await routeVendors(page, app);
  const log = await watchRelay(page, running.url);
  await openVendorPage(page, await vendorPage(page, app, await serveConfig(page, app, config, 'relay')));
  return { net, log, toRelay: (path = '/') => net.all.filter((url) => url.startsWith(running.url + path)) };
}
const grant = (page: Page, choices: Record<string, string>) =>
  page.evaluate((choices) => window.acquaint!.consent.update(choices), choices);
const received = () => relay.current.vendors.received();
const anonymousId = (page: Page) => page.evaluate(() => window.acquaint!.user().anonymousId);
/** Every stand-in has something: the page view went all the way for each destination. */
const waitForAll = () =>
  expect
    .poll(() => Object.entries(received()).map(([name, list]: [string, unknown[]]) => `${name} ${list.length > 0}`), { timeout: 10_000 })
    .toEqual(['ga4 true', 'meta true', 'http true']);
const name = (e: WireEvent) => (e.type === 'page' ? 'page' : e.event);

test.describe('relay: server-side tagging end to end', () => {
  test('no vendor script in server mode, nothing before consent; GA4 and Meta CAPI get the page view, deduplicated', async ({ page }) => {
    const { net, log, toRelay } = await open(page);
    await page.evaluate(() => window.acquaint!.flush());
    expect(toRelay()).toEqual([]);
    expect(received()).toEqual({ ga4: [], meta: [], http: [] });
    expect(net.vendor()).toEqual([]);
    expect(await page.evaluate(() => [typeof window.fbq, typeof window.acquaintGtagLayer])).toEqual(['undefined', 'undefined']);

    // Analytics alone: GA4 and the warehouse through the relay; the pixel is still absent.
    await grant(page, { analytics: 'granted' });
    await expect.poll(() => received().ga4.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const [ga4] = received().ga4;
    expect(ga4).toMatchObject({ measurementId: 'G-TEST123', clientId: await anonymousId(page), problems: [] });
    expect(ga4!.event!.name).toBe('page_view');
    expect(net.vendor()).toEqual([]);
    expect((await log.sent()).map((one) => one.destination).sort()).toEqual(['ga4', 'warehouse']);

    await grant(page, { marketing: 'granted' });
    const pixelView = await waitForCall(page, 'fbq', (args) => args[1] === 'PageView', 'PageView');
    expect(net.vendor()).toEqual([expect.stringMatching(/^https:\/\/connect\.facebook\.net\/.*fbevents\.js/)]);
    await expect.poll(() => received().meta.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const capi = received().meta.map((one) => one.event);
    expect(capi).toEqual([expect.objectContaining({ event_name: 'PageView', action_source: 'website' })]);
    // One page view, one id: the messageId the page sent the relay, the pixel's eventID, the CAPI event_id,
    // and the id of the same page view sent for GA4 (every destination of an event gets its messageId).
    const sent = await log.sent();
    const ids = (destination: string) =>
      sent.filter((one) => one.destination === destination).flatMap((one) => one.events.map((e) => e.messageId));
    const [messageId] = ids('meta');
    expect(ids('meta')).toEqual([messageId]);
    expect(pixelView[3]).toEqual({ eventID: messageId });
    expect(capi[0]!.event_id).toBe(messageId);
    expect(ids('ga4')).toEqual([messageId]);

    // Never a gtag.js nor acquaint's GA4 tag file: server mode loads no vendor script.
    expect(net.all.filter((url) => /googletagmanager\.com|acquaint-ga4\.js/.test(url))).toEqual([]);
    expect(await page.evaluate(() => [typeof window.acquaintGtagLayer, typeof (window as { gtag?: unknown }).gtag])).toEqual([
      'undefined',
      'undefined',
    ]);
  });

  test('withdrawal stops them: after a denial nothing goes to the relay nor reaches the vendors', async ({ page }) => {
    const { log, toRelay } = await open(page);
    await grant(page, { analytics: 'granted', marketing: 'granted' });
    await waitForAll();
    const statuses = async () => (await log.sent()).map((one) => `${one.destination} ${one.status}`).sort();
    await expect.poll(statuses).toEqual(['ga4 200', 'meta 200', 'warehouse 200']);
    const before = { batches: toRelay('/v1/batch/').length, received: received() };

    await grant(page, { analytics: 'denied', marketing: 'denied' });
    await trackAndFlush(page, [['sign_up', { method: 'email' }]]);
    // flush() resolves once every queue's sends were attempted: a request for sign_up would be here.
    expect(toRelay('/v1/batch/')).toHaveLength(before.batches);
    expect(await statuses()).toEqual(['ga4 200', 'meta 200', 'warehouse 200']);
    expect((await vendorCalls(page, 'fbq')).filter((args) => JSON.stringify(args).includes('CompleteRegistration'))).toEqual([]);
    // Proving an absence at the vendors: the relay forwards within pollMs (100 ms) of accepting, so
    // 500 ms would show anything it had taken.
    await page.waitForTimeout(500);
    expect(received()).toEqual(before.received);
  });

  test('a batch the page retries is forwarded once', async ({ page }) => {
    const { relay: running } = relay.current;
    const tries = new Map<string, number>();
    const relayAnswers: number[] = [];
    const { log } = await open(page);
    // The first batch of each destination reaches the relay (which stores it), but the page is told 503.
    await page.route(`${running.url}/v1/batch/*`, async (route) => {
      const url = route.request().url();
      tries.set(url, (tries.get(url) ?? 0) + 1);
      if (tries.get(url)! > 1) return route.fallback();
      relayAnswers.push((await route.fetch({ postData: route.request().postData() ?? (await log.lastBody(url)) })).status());
      await route.fulfill({ status: 503, headers: { 'access-control-allow-origin': new URL(collector.app.url).origin }, body: '{}' });
    });
    await trackAndFlush(page, [['purchase', { value: 10, currency: 'EUR' }]]);
    await grant(page, { analytics: 'granted', marketing: 'granted' });

    const batches = async (destination: string) => (await log.sent()).filter((one) => one.destination === destination);
    for (const destination of ['ga4', 'meta', 'warehouse']) {
      await expect.poll(async () => (await batches(destination)).map((one) => one.status), { timeout: 10_000 }).toEqual([503, 200]);
      const [first, retry] = await batches(destination);
      expect(first!.events.map(name)).toEqual(['page', 'purchase']);
      expect(retry!.events.map((e) => e.messageId)).toEqual(first!.events.map((e) => e.messageId));
    }
    expect(relayAnswers).toEqual([200, 200, 200]);
    const ids = (await batches('ga4'))[0]!.events.map((e) => e.messageId).sort();
    await waitForAll();
    // Proving an absence: a second copy, stored by the retry, would go out within pollMs (100 ms).
    await page.waitForTimeout(500);
    const { ga4, meta, http } = received();
    expect(ga4.map((one) => one.event!.name).sort()).toEqual(['page_view', 'purchase']);
    expect(ga4.flatMap((one) => one.problems)).toEqual([]);
    expect(meta.map((one) => one.event.event_id).sort()).toEqual(ids);
    expect(http.map((one) => one.event.messageId).sort()).toEqual(ids);
  });

  test('an http destination in server mode gets the write key from the relay, which the page never sees', async ({ page }) => {
    const { net, log } = await open(page);
    await grant(page, { analytics: 'granted' });
    await expect.poll(() => received().http.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const [delivered] = received().http;
    expect(delivered!.headers.authorization).toBe(AUTH);
    expect(delivered!.event).toMatchObject({ type: 'page', anonymousId: await anonymousId(page) });

    // Not in the config the page loaded (serveConfig serves it as is), in no URL it asked for,
    // in nothing it sent the relay nor in what the relay answered it.
    const key = AUTH.split(' ')[1]!;
    expect(JSON.stringify(relay.current.config)).not.toContain(key);
    expect(net.all.join(' ')).not.toContain(key);
    const sent = await log.sent();
    expect(sent.map((one) => `${one.destination} ${one.status}`)).toContainEqual('warehouse 200');
    expect(JSON.stringify(sent)).not.toContain(key);
    for (const request of log.requests) expect(strings(await request.allHeaders()).join(' ')).not.toContain(key);
  });
});
