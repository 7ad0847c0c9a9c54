import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { AdapterEnv, AdapterType } from '../../../src/destinations/adapter';
import { ga4Destination } from '../../../src/destinations/ga4';
import type { Ga4Settings } from '../../../src/destinations/ga4-settings';
import { metaPixelDestination } from '../../../src/destinations/meta-pixel';
import { scriptDestination } from '../../../src/destinations/script';
import type { AcquaintEvent } from '../../../src/events/event';
import { testEvent } from '../event';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const granted = { analytics: 'granted', marketing: 'granted' } as const;

// On a product page, with no consent stamped.
const PRODUCT = { url: 'https://shop.example/p/1', path: '/p/1', referrer: 'https://shop.example/', title: 'Fan' };
function track(name: string, properties: Record<string, unknown> = {}, extra: Partial<AcquaintEvent> = {}): AcquaintEvent {
  return testEvent(
    {
      event: name,
      properties,
      messageId: `m-${name}`,
      context: { sessionId: 's', consent: {}, library: { name: 'acquaint', version: '0' } },
      ...extra,
    },
    PRODUCT,
  );
}
const page = (): AcquaintEvent => ({ ...track(''), type: 'page', event: undefined, messageId: 'm-page' });

/** A page with vendor globals; loading a script runs `vendor` (what the real file would do). */
function vendorEnv(vendor: (globals: Record<string, unknown>) => void = () => undefined) {
  const globals: Record<string, unknown> = {};
  const loads: { src: string; options: unknown }[] = [];
  const env: AdapterEnv = {
    fetch: vi.fn(),
    now: () => Date.parse('2026-11-23T10:00:00.000Z'),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    baseUrl: () => 'https://shop.example/',
    loadScript: (src, options) => {
      loads.push({ src, options });
      vendor(globals);
      return Promise.resolve();
    },
    global: (name) => globals[name],
    defineGlobal: (name, value) => (globals[name] ??= value),
    sha256: (text) => Promise.resolve(sha256(text)),
  };
  return { env, globals, loads };
}

// What gtag.js does with its layer, reduced to recording: each entry is an `arguments` object.
const gtagCalls = (globals: Record<string, unknown>) => (globals.acquaintGtagLayer as IArguments[]).map((args) => [...args] as unknown[]);
// fbevents.js takes over the stub's queue and later calls; here they stay queued.
const fbqCalls = (globals: Record<string, unknown>) => (globals.fbq as { queue: unknown[][] }).queue;

async function run<S>(type: AdapterType<S>, settings: S, events: AcquaintEvent[], env: AdapterEnv) {
  const adapter = type.create('dest', ['analytics'], env);
  adapter.init(settings);
  await adapter.permit!(true, granted);
  return adapter.send(events, { unloading: false });
}

/** STYLE §14: each adapter's examples (events in → vendor calls out), run by one test each. */
const ga4Examples: { name: string; settings: Ga4Settings; events: AcquaintEvent[]; calls: unknown[][] }[] = [
  {
    name: 'a page view and a purchase with GA4 ecommerce',
    settings: { measurementId: 'G-TEST123' },
    events: [page(), track('purchase', { ecommerce: { value: 10, currency: 'EUR', items: [{ item_id: 'A' }] }, coupon: 'X' })],
    calls: [
      [
        'event',
        'page_view',
        { send_to: 'G-TEST123', page_location: 'https://shop.example/p/1', page_referrer: 'https://shop.example/', page_title: 'Fan' },
      ],
      ['event', 'purchase', { coupon: 'X', value: 10, currency: 'EUR', items: [{ item_id: 'A' }], send_to: 'G-TEST123' }],
    ],
  },
  {
    name: 'renamed and cleaned event names, and the user id once',
    settings: { measurementId: 'G-TEST123', eventNames: { 'Order Completed': 'purchase' } },
    events: [track('Order Completed', {}, { userId: 'u-1' }), track('2 Newsletter signup!', {}, { userId: 'u-1' })],
    calls: [
      ['set', { user_id: 'u-1' }],
      ['event', 'purchase', { send_to: 'G-TEST123' }],
      ['event', 'Newsletter_signup_', { send_to: 'G-TEST123' }],
    ],
  },
];

describe('ga4', () => {
  it('defines nothing and loads nothing until permitted', async () => {
    const { env, globals, loads } = vendorEnv();
    const adapter = ga4Destination.create('ga4', ['analytics'], env);
    adapter.init({ measurementId: 'G-TEST123' });
    await adapter.permit!(false, { analytics: 'pending' });
    expect([globals, loads]).toEqual([{}, []]);
  });

  it('starts with Consent Mode, then config without its own page view, from its own layer', async () => {
    const { env, globals, loads } = vendorEnv();
    await run(ga4Destination, { measurementId: 'G-TEST123', config: { debug_mode: true } }, [], env);
    expect(loads).toEqual([{ src: 'https://www.googletagmanager.com/gtag/js?id=G-TEST123&l=acquaintGtagLayer', options: {} }]);
    expect(gtagCalls(globals)).toEqual([
      [
        'consent',
        'default',
        {
          analytics_storage: 'granted',
          ad_storage: 'granted',
          ad_user_data: 'granted',
          ad_personalization: 'granted',
          personalization_storage: 'denied',
        },
      ],
      ['js', new Date('2026-11-23T10:00:00.000Z')],
      ['config', 'G-TEST123', { debug_mode: true, send_page_view: false }],
    ]);
  });

  it('passes consent changes on as Consent Mode updates', async () => {
    const { env, globals } = vendorEnv();
    const adapter = ga4Destination.create('ga4', ['analytics'], env);
    adapter.init({ measurementId: 'G-TEST123' });
    await adapter.permit!(true, granted);
    await adapter.permit!(false, { analytics: 'denied', marketing: 'granted' });
    expect(gtagCalls(globals).at(-1)).toEqual([
      'consent',
      'update',
      expect.objectContaining({ analytics_storage: 'denied', ad_storage: 'granted' }),
    ]);
  });

  it.each(ga4Examples)('sends $name', async ({ settings, events, calls }) => {
    const { env, globals } = vendorEnv();
    expect(await run(ga4Destination, settings, events, env)).toEqual({ ok: true });
    expect(gtagCalls(globals).slice(3)).toEqual(calls);
  });
});

const clicked = (event: AcquaintEvent, timestamp: string): AcquaintEvent => ({
  ...event,
  timestamp,
  context: { ...event.context, clickIds: { gclid: 'g', fbclid: 'FbClid_AbC' } },
});
const metaExamples: { name: string; events: AcquaintEvent[]; calls: unknown[][] }[] = [
  {
    name: 'the session fbclid as fbc (kept as it is, not hashed), timed by the first event that carried it',
    events: [
      clicked(page(), '2026-11-23T10:00:00.000Z'),
      clicked(track('add_to_cart', { value: 5 }, { userId: 'u-1' }), '2026-11-23T10:05:00.000Z'),
    ],
    calls: [
      ['init', '123456', { fbc: 'fb.1.1795428000000.FbClid_AbC' }],
      ['track', 'PageView', {}, { eventID: 'm-page' }],
      ['init', '123456', { external_id: sha256('u-1'), fbc: 'fb.1.1795428000000.FbClid_AbC' }],
      ['track', 'AddToCart', { value: 5 }, { eventID: 'm-add_to_cart' }],
    ],
  },
];

describe('meta-pixel', () => {
  it.each(metaExamples)('sends $name', async ({ events, calls }) => {
    const { env, globals } = vendorEnv();
    expect(await run(metaPixelDestination, { pixelId: '123456' }, events, env)).toEqual({ ok: true });
    expect(fbqCalls(globals).slice(3)).toEqual(calls);
  });

  it('sets up with automatic collection off, then maps standard and custom events with eventID', async () => {
    const { env, globals, loads } = vendorEnv();
    await run(
      metaPixelDestination,
      { pixelId: '123456' },
      [
        page(),
        track('add_to_cart', { ecommerce: { value: 5, currency: 'EUR', items: [{ item_id: 'A', quantity: 2 }] } }),
        track('wishlist_shared', { list: 'x', nested: { no: 1 } }),
      ],
      env,
    );
    expect(loads[0]!.src).toBe('https://connect.facebook.net/en_US/fbevents.js');
    expect(globals._fbq).toBe(globals.fbq);
    expect(fbqCalls(globals)).toEqual([
      ['set', 'autoConfig', false, '123456'],
      ['consent', 'grant'],
      ['init', '123456'],
      ['track', 'PageView', {}, { eventID: 'm-page' }],
      [
        'track',
        'AddToCart',
        { value: 5, currency: 'EUR', content_ids: ['A'], contents: [{ id: 'A', quantity: 2 }], content_type: 'product', num_items: 1 },
        { eventID: 'm-add_to_cart' },
      ],
      ['trackCustom', 'wishlist_shared', { list: 'x' }, { eventID: 'm-wishlist_shared' }],
    ]);
  });

  it('matches the user only by SHA-256 of external_id and em, once per change', async () => {
    const { env, globals } = vendorEnv();
    const identify: AcquaintEvent = {
      ...track(''),
      type: 'identify',
      event: undefined,
      userId: 'u-1',
      traits: { email: ' Ada@Example.com ' },
    };
    await run(metaPixelDestination, { pixelId: '123456' }, [identify, track('purchase', {}, { userId: 'u-1' })], env);
    const calls = fbqCalls(globals);
    expect(calls.filter((c) => c[0] === 'init')).toEqual([
      ['init', '123456'],
      ['init', '123456', { external_id: sha256('u-1'), em: sha256('ada@example.com') }],
    ]);
    expect(JSON.stringify(calls)).not.toMatch(/ada@example|u-1"/i);
  });

  it('revokes and grants with consent', async () => {
    const { env, globals } = vendorEnv();
    const adapter = metaPixelDestination.create('meta', ['marketing'], env);
    adapter.init({ pixelId: '123456' });
    await adapter.permit!(true, granted);
    await adapter.permit!(false, { marketing: 'denied' });
    expect(fbqCalls(globals).at(-1)).toEqual(['consent', 'revoke']);
  });
});

describe('script', () => {
  const settings = {
    src: '/vendor/widget.js',
    integrity: 'sha384-abc',
    global: 'widget',
    init: [['init', 'ACME-1']],
    calls: {
      page: [['view', '{{context.page.path}}']],
      'add_*': [['cart', '{{event}}', '{{properties}}', 'value: {{properties.value}} {{properties.none}}']],
    },
  };

  it('loads with integrity, makes the init calls after load, then each event calls of the first matching key', async () => {
    const calls: unknown[][] = [];
    const { env, loads } = vendorEnv((globals) => void (globals.widget = (...args: unknown[]) => void calls.push(args)));
    const result = await run(scriptDestination, settings, [page(), track('add_to_cart', { value: 4, sku: 'A' }), track('purchase')], env);
    expect(result).toEqual({ ok: true });
    expect(loads).toEqual([{ src: '/vendor/widget.js', options: { integrity: 'sha384-abc' } }]);
    expect(calls).toEqual([
      ['init', 'ACME-1'],
      ['view', '/p/1'],
      ['cart', 'add_to_cart', { value: 4, sku: 'A' }, 'value: 4 '],
    ]);
  });

  it('pushes onto a queue array it defined before the load', async () => {
    const { env, globals } = vendorEnv();
    await run(
      scriptDestination,
      { src: 'https://cdn.example/t.js', global: '_paq', define: 'array', calls: { '*': [['trackEvent', '{{event}}']] } },
      [track('x')],
      env,
    );
    expect(globals._paq).toEqual([['trackEvent', 'x']]);
  });

  it('reports a vendor global that never appeared as a failed send that is not retried', async () => {
    const { env } = vendorEnv();
    expect(await run(scriptDestination, settings, [track('add_to_cart')], env)).toEqual({
      ok: false,
      reason: 'script: widget is not defined on the page',
      retry: false,
    });
  });

  it('reports a failed load as retryable, and tries again on the next send', async () => {
    const { env } = vendorEnv();
    const loadScript = vi.fn().mockRejectedValueOnce(new Error('could not load /vendor/widget.js')).mockResolvedValue(undefined);
    const adapter = scriptDestination.create('w', ['analytics'], { ...env, loadScript });
    adapter.init({ ...settings, init: [] });
    await expect(adapter.permit!(true, granted)).rejects.toThrow('could not load');
    expect(await adapter.send([track('purchase')], { unloading: false })).toEqual({ ok: true });
    expect(loadScript).toHaveBeenCalledTimes(2);
  });
});

describe('a vendor tag whose script failed to load', () => {
  it('loads again on the next grant without queuing its set-up calls twice', async () => {
    const { env, globals } = vendorEnv();
    const loadScript = vi.fn().mockRejectedValueOnce(new Error('could not load')).mockResolvedValue(undefined);
    const adapter = ga4Destination.create('ga4', ['analytics'], { ...env, loadScript });
    adapter.init({ measurementId: 'G-TEST123' });
    await expect(adapter.permit!(true, granted)).rejects.toThrow('could not load');
    await adapter.permit!(true, granted);
    expect(loadScript).toHaveBeenCalledTimes(2);
    expect(gtagCalls(globals).map((c) => c[0])).toEqual(['consent', 'js', 'config', 'consent']);
  });
});
