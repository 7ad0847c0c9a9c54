import { describe, expect, it } from 'vitest';
import type { Ga4Settings } from '../../../src/destinations/ga4-settings';
import { ga4Api, ga4SessionId } from '../../../src/relay/vendors/ga4';
import { VENDOR_APIS } from '../../../src/relay/vendors/index';
import type { OutboxRow } from '../../../src/relay/vendors/types';
import { bodyOf, outboxRow, outboxRows } from './outbox-row';

const settings: Ga4Settings = { measurementId: 'G-TEST123', apiSecretEnv: 'GA4_API_SECRET' };
const secrets = { GA4_API_SECRET: 's3cr3t-value' };
const NOW = Date.parse('2026-11-23T10:05:00.000Z');
const prepare = (rows: OutboxRow[], more: Partial<Ga4Settings> = {}) => ga4Api.prepare(rows, { ...settings, ...more }, secrets, NOW);

type Ga4Body = {
  client_id: string;
  user_id?: string;
  consent: Record<string, string>;
  events: { name: string; params: Record<string, unknown>; timestamp_micros: number }[];
};
const ga4Body = (request: Parameters<typeof bodyOf>[0]) => bodyOf(request) as unknown as Ga4Body;
const onlyEvent = (rows: OutboxRow[], more: Partial<Ga4Settings> = {}) => ga4Body(prepare(rows, more).requests[0]).events[0]!;
const trimmed = (result: ReturnType<typeof prepare>) => Object.fromEntries(result.trimmed.map(({ reason, count }) => [reason, count]));

describe('ga4Api', () => {
  it('posts to the Measurement Protocol with the API secret in the URL only', () => {
    const { requests } = prepare([outboxRow()]);
    expect(requests[0]!.url).toBe('https://www.google-analytics.com/mp/collect?measurement_id=G-TEST123&api_secret=s3cr3t-value');
    expect(requests[0]!.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(requests[0]!.body).not.toContain('s3cr3t');
    expect(ga4Api.secretNames(settings)).toEqual(['GA4_API_SECRET']);
  });

  it('uses the endpoint override', () => {
    const { requests } = prepare([outboxRow()], { endpoint: 'https://region1.google-analytics.com/' });
    expect(requests[0]!.url.startsWith('https://region1.google-analytics.com/mp/collect?')).toBe(true);
  });

  it('refuses every row when the secret is not set', () => {
    const result = ga4Api.prepare([outboxRow()], settings, {}, NOW);
    expect(result.requests).toEqual([]);
    expect(result.refused.map((one) => one.reason)).toEqual(['secret_missing']);
  });

  it('sends 26 events of one client in two requests of 25 and 1', () => {
    const { requests } = prepare(outboxRows(26));
    expect(requests.map((request) => ga4Body(request).events.length)).toEqual([25, 1]);
    expect(requests.flatMap((request) => request.rows.map((row) => row.messageId))).toEqual(outboxRows(26).map((row) => row.messageId));
  });

  it('sends each client, user and consent in a request of its own', () => {
    const rows = [
      outboxRow({ messageId: 'a', anonymousId: 'anon-1' }),
      outboxRow({ messageId: 'b', anonymousId: 'anon-2' }),
      outboxRow({ messageId: 'c', anonymousId: 'anon-1', userId: 'u-1' }),
      outboxRow({ messageId: 'd', anonymousId: 'anon-1' }),
    ];
    const bodies = prepare(rows).requests.map(ga4Body);
    expect(bodies.map(({ client_id, user_id, events }) => [client_id, user_id, events.length])).toEqual([
      ['anon-1', undefined, 2],
      ['anon-2', undefined, 1],
      ['anon-1', 'u-1', 1],
    ]);
  });

  it('keeps the user_id out when sendUserId is false or it is over 256 characters', () => {
    expect(ga4Body(prepare([outboxRow({ userId: 'u-1' })], { sendUserId: false }).requests[0]).user_id).toBeUndefined();
    const long = prepare([outboxRow({ userId: 'u'.repeat(257) })]);
    expect(ga4Body(long.requests[0]).user_id).toBeUndefined();
    expect(trimmed(long)).toEqual({ user_id_too_long: 1 });
  });

  it('maps marketing consent to ad_user_data and ad_personalization', () => {
    const consent = (marketing?: 'granted' | 'denied') =>
      ga4Body(
        prepare([outboxRow({ context: { consent: marketing ? { analytics: 'granted', marketing } : { analytics: 'granted' } } })])
          .requests[0],
      ).consent;
    expect(consent('granted')).toEqual({ ad_user_data: 'GRANTED', ad_personalization: 'GRANTED' });
    expect(consent('denied')).toEqual({ ad_user_data: 'DENIED', ad_personalization: 'DENIED' });
    expect(consent()).toEqual({ ad_user_data: 'DENIED', ad_personalization: 'DENIED' });
  });

  it('dates each event by its timestamp, a future one by the relay clock, and refuses one past 72 hours', () => {
    expect(onlyEvent([outboxRow()]).timestamp_micros).toBe(Date.parse('2026-11-23T10:00:00.000Z') * 1000);
    expect(onlyEvent([outboxRow({ timestamp: '2026-11-23T11:00:00.000Z' })]).timestamp_micros).toBe(NOW * 1000);
    const old = prepare([outboxRow({ timestamp: '2026-11-20T10:04:59.000Z' }), outboxRow({ messageId: 'x', timestamp: 'yesterday' })]);
    expect(old.refused.map((one) => one.reason)).toEqual(['too_old', 'bad_timestamp']);
    expect(ga4Api.maxAgeMs).toBe(72 * 3_600_000);
  });

  it('sends a page as page_view with its location, referrer and title only', () => {
    const page = outboxRow({
      type: 'page',
      event: undefined,
      context: { page: { url: 'https://shop.example/p?q=1', path: '/p', referrer: 'https://ref.example/', title: 'P' } },
    });
    const event = onlyEvent([page]);
    expect(event.name).toBe('page_view');
    expect(event.params).toEqual({
      session_id: ga4SessionId('s-1'),
      engagement_time_msec: 1,
      page_location: 'https://shop.example/p?q=1',
      page_referrer: 'https://ref.example/',
      page_title: 'P',
    });
  });

  it('sends a track with its session, engagement time, page and flattened ecommerce', () => {
    const event = onlyEvent([
      outboxRow({ properties: { ecommerce: { value: 10, currency: 'EUR', items: [{ id: 'A', price: 5, name: 'Fan' }] }, in_stock: true } }),
    ]);
    expect(event.name).toBe('purchase');
    expect(event.params).toEqual({
      session_id: ga4SessionId('s-1'),
      engagement_time_msec: 1,
      page_location: 'https://shop.example/cart',
      page_title: 'Cart',
      in_stock: 'true',
      value: 10,
      currency: 'EUR',
      items: [{ item_id: 'A', item_name: 'Fan', price: 5 }],
    });
  });

  it('derives a stable number from a session id that is not one', () => {
    const id = ga4SessionId('0b7c1c8e-2b7e-4a4f-9d43-8a1f0c0e6d2a');
    expect(Number.isInteger(id) && id >= 0 && id < 2 ** 32).toBe(true);
    expect(ga4SessionId('0b7c1c8e-2b7e-4a4f-9d43-8a1f0c0e6d2a')).toBe(id);
    expect(ga4SessionId('1700000000')).toBe(1700000000);
  });

  it('names events by eventNames, then as GA4 allows, and counts the names it cut', () => {
    expect(onlyEvent([outboxRow({ event: 'Order Completed' })], { eventNames: { 'Order Completed': 'purchase' } }).name).toBe('purchase');
    expect(onlyEvent([outboxRow({ event: 'constructor' })], { eventNames: {} }).name).toBe('constructor');
    const result = prepare([outboxRow({ event: `9 Newsletter signup ${'x'.repeat(40)}` })]);
    expect(ga4Body(result.requests[0]).events[0]!.name).toBe(`Newsletter_signup_${'x'.repeat(22)}`);
    expect(trimmed(result)).toEqual({ event_name_cut: 1 });
  });

  it('refuses events GA4 reserves', () => {
    const rows = ['session_start', 'first_visit', 'ad_click', 'google_thing', 'firebase_x'].map((event, i) =>
      outboxRow({ event, messageId: `m-${i}` }),
    );
    const result = prepare(rows);
    expect(result.requests).toEqual([]);
    expect(new Set(result.refused.map((one) => one.reason))).toEqual(new Set(['reserved_event_name']));
  });

  it('cuts long values, leaves out bad names and values, and keeps 25 params', () => {
    const properties: Record<string, unknown> = {
      long_text: 'y'.repeat(150),
      emoji: `${'e'.repeat(99)}😀`,
      'bad name': 1,
      ga_reserved: 1,
      _private: 1,
      ['n'.repeat(41)]: 1,
      nested: { a: 1 },
      list: [1, 2],
      nothing: null,
    };
    for (let i = 0; i < 25; i++) properties[`p${i}`] = i;
    const result = prepare([outboxRow({ properties })]);
    const { params } = ga4Body(result.requests[0]).events[0]!;
    expect(params.long_text).toBe('y'.repeat(100));
    expect(params.emoji).toBe('e'.repeat(99));
    expect(Object.keys(params)).toHaveLength(25);
    expect(trimmed(result)).toEqual({ param_value_cut: 2, param_name_invalid: 4, param_type_unsupported: 2, params_over_limit: 6 });
  });

  it('keeps a page_location up to 1000 characters', () => {
    const url = `https://shop.example/?q=${'a'.repeat(1200)}`;
    expect(onlyEvent([outboxRow({ context: { page: { url, path: '/', referrer: '', title: '' } } })]).params.page_location).toBe(
      url.slice(0, 1000),
    );
  });

  it('keeps 200 items and 10 custom params in each', () => {
    const custom = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`c${i}`, i]));
    const items = Array.from({ length: 205 }, (_, i) => ({ item_id: `i${i}`, quantity: 1, ...custom }));
    const result = prepare([outboxRow({ properties: { items: [...items, { note: 'no id' }] } })]);
    const sent = ga4Body(result.requests[0]).events[0]!.params.items as Record<string, unknown>[];
    expect(sent).toHaveLength(200);
    expect(Object.keys(sent[0]!)).toHaveLength(12);
    expect(trimmed(result)).toEqual({ items_over_limit: 6, item_params_over_limit: 400 });
  });

  it('splits a client’s events to keep each body under 130 kB', () => {
    const items = Array.from({ length: 60 }, (_, i) => ({ item_id: `i${i}`, item_name: 'n'.repeat(99), item_brand: 'b'.repeat(99) }));
    const { requests, refused } = prepare(outboxRows(25, { properties: { items } }));
    expect(refused).toEqual([]);
    expect(requests.length).toBeGreaterThan(1);
    for (const request of requests) expect(Buffer.byteLength(request.body)).toBeLessThan(130_000);
    expect(requests.reduce((sum, request) => sum + request.rows.length, 0)).toBe(25);
  });

  it('sends no identify event and counts it', () => {
    const result = prepare([outboxRow({ type: 'identify', event: undefined, traits: { plan: 'pro' } }), outboxRow({ messageId: 'm-2' })]);
    expect(result.requests.flatMap((request) => request.rows.map((row) => row.messageId))).toEqual(['m-2']);
    expect(result.refused).toEqual([]);
    expect(trimmed(result)).toEqual({ identify_not_sent: 1 });
  });

  it('refuses an odd event instead of throwing', () => {
    const odd = outboxRow();
    (odd.event as { context: unknown }).context = null;
    expect(prepare([odd, outboxRow({ messageId: 'm-2', anonymousId: '' })]).refused.map((one) => one.reason)).toEqual([
      'invalid_event',
      'no_client_id',
    ]);
  });
});

describe('VENDOR_APIS', () => {
  it('names the server API of each destination type', () => {
    expect(Object.keys(VENDOR_APIS).sort()).toEqual(['ga4', 'http', 'meta-pixel']);
    expect(VENDOR_APIS.ga4).toBe(ga4Api);
  });
});
