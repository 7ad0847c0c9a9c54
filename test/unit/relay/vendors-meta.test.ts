import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MetaPixelSettings } from '../../../src/destinations/meta-pixel-settings';
import { metaApi } from '../../../src/relay/vendors/meta';
import type { OutboxRow } from '../../../src/relay/vendors/types';
import { bodyOf, outboxRow, outboxRows } from './outbox-row';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const settings: MetaPixelSettings = { pixelId: '1234567890', accessTokenEnv: 'META_CAPI_TOKEN' };
const secrets = { META_CAPI_TOKEN: 'EAAB-token-value' };
const NOW = Date.parse('2026-11-23T10:05:00.000Z');
const EVENT_MS = Date.parse('2026-11-23T10:00:00.000Z');
const prepare = (rows: OutboxRow[], more: Partial<MetaPixelSettings> = {}) => metaApi.prepare(rows, { ...settings, ...more }, secrets, NOW);

type ServerEvent = Record<string, unknown> & { user_data: Record<string, unknown>; custom_data?: Record<string, unknown> };
const metaBody = (request: Parameters<typeof bodyOf>[0]) =>
  bodyOf(request) as { data: ServerEvent[]; access_token: string; test_event_code?: string };
const onlyEvent = (rows: OutboxRow[], more: Partial<MetaPixelSettings> = {}) => metaBody(prepare(rows, more).requests[0]).data[0]!;
const withTraits = (traits: Record<string, unknown>, more: Parameters<typeof outboxRow>[0] = {}) =>
  outboxRow({ ...more, context: { ...more.context, traits } });

describe('metaApi', () => {
  it('posts to the Graph API with the access token in the body only', () => {
    const { requests } = prepare([outboxRow()], { testEventCode: 'TEST123' });
    expect(requests[0]!.url).toBe('https://graph.facebook.com/v24.0/1234567890/events');
    expect(requests[0]!.headers).toEqual({ 'Content-Type': 'application/json' });
    const body = metaBody(requests[0]);
    expect(body.access_token).toBe('EAAB-token-value');
    expect(body.test_event_code).toBe('TEST123');
    expect(requests[0]!.body.split('EAAB-token-value')).toHaveLength(2);
    expect(metaApi.secretNames(settings)).toEqual(['META_CAPI_TOKEN']);
  });

  it('uses the endpoint override and sends no test code unless set', () => {
    const { requests } = prepare([outboxRow()], { endpoint: 'http://127.0.0.1:9999/' });
    expect(requests[0]!.url).toBe('http://127.0.0.1:9999/v24.0/1234567890/events');
    expect(metaBody(requests[0]).test_event_code).toBeUndefined();
  });

  it('sends at most 1,000 events a request', () => {
    const { requests } = prepare(outboxRows(1001));
    expect(requests.map((request) => metaBody(request).data.length)).toEqual([1000, 1]);
    expect(requests[1]!.rows.map((row) => row.messageId)).toEqual(['m-1000']);
  });

  it('describes the event as the pixel does, deduplicated by its messageId', () => {
    const event = onlyEvent([outboxRow({ context: { clickIds: { fbclid: 'IwAR0abc' } } })]);
    expect(event).toMatchObject({
      event_name: 'Purchase',
      event_time: EVENT_MS / 1000,
      event_id: 'm-1',
      action_source: 'website',
      event_source_url: 'https://shop.example/cart',
      custom_data: {
        value: 10,
        currency: 'EUR',
        coupon: 'SUMMER',
        content_ids: ['A'],
        contents: [{ id: 'A', quantity: 1 }],
        content_type: 'product',
        num_items: 1,
      },
    });
    expect(event.user_data).toEqual({
      client_ip_address: '203.0.113.7',
      client_user_agent: 'Mozilla/5.0 (test)',
      fbc: `fb.1.${EVENT_MS}.IwAR0abc`,
    });
  });

  it('names pages PageView, custom events as they are, and follows eventNames', () => {
    const page = outboxRow({ type: 'page', event: undefined });
    expect(onlyEvent([page])).toMatchObject({ event_name: 'PageView' });
    expect(onlyEvent([page]).custom_data).toBeUndefined();
    expect(onlyEvent([outboxRow({ event: 'Wishlist Shared' })]).event_name).toBe('Wishlist Shared');
    expect(onlyEvent([outboxRow({ event: 'signup' })], { eventNames: { signup: 'CompleteRegistration' } }).event_name).toBe(
      'CompleteRegistration',
    );
    expect(onlyEvent([outboxRow({ event: 'constructor' })]).event_name).toBe('constructor');
  });

  it('matches the user by hashed email, phone and userId, and by fbp from the request', () => {
    const row = withTraits({ email: ' Ann@Example.COM ', phone: '+44 20 7946 0958' }, { userId: 'User-42' });
    row.client.fbp = 'fb.1.1700000000000.123456789';
    expect(onlyEvent([row]).user_data).toMatchObject({
      em: [sha256('ann@example.com')],
      ph: [sha256('442079460958')],
      external_id: [sha256('user-42')],
      fbp: 'fb.1.1700000000000.123456789',
    });
  });

  it('sends no email, phone or userId without advanced matching, and still the click id', () => {
    const row = withTraits(
      { email: 'ann@example.com', phone: '+44 20 7946 0958' },
      { userId: 'u-1', context: { clickIds: { fbclid: 'x' } } },
    );
    const user = onlyEvent([row], { advancedMatching: false }).user_data;
    expect(Object.keys(user).sort()).toEqual(['client_ip_address', 'client_user_agent', 'fbc']);
  });

  it('leaves out and counts an email or phone it cannot normalise', () => {
    const result = prepare([withTraits({ email: 'not an email', phone: '12-34' })]);
    expect(metaBody(result.requests[0]).data[0]!.user_data.em).toBeUndefined();
    expect(result.trimmed).toEqual([
      { reason: 'em_invalid', count: 1 },
      { reason: 'ph_invalid', count: 1 },
    ]);
  });

  it('refuses what Meta would refuse the whole request for', () => {
    const rows = [
      outboxRow({ messageId: 'a' }, { ip: '203.0.113.7' }),
      outboxRow({ messageId: 'b', timestamp: '2026-11-16T10:04:59.000Z' }),
      outboxRow({ messageId: 'c', event: '' }),
      outboxRow({ messageId: 'd' }),
    ];
    const result = prepare(rows);
    expect(result.refused.map(({ row, reason }) => [row.messageId, reason])).toEqual([
      ['a', 'no_user_agent'],
      ['b', 'too_old'],
      ['c', 'no_event_name'],
    ]);
    expect(result.requests[0]!.rows.map((row) => row.messageId)).toEqual(['d']);
    expect(metaApi.maxAgeMs).toBe(7 * 24 * 3_600_000);
  });

  it('sends no identify event and counts it', () => {
    const result = prepare([outboxRow({ type: 'identify', event: undefined, traits: { email: 'a@b.example' } })]);
    expect(result.requests).toEqual([]);
    expect(result.refused).toEqual([]);
    expect(result.trimmed).toEqual([{ reason: 'identify_not_sent', count: 1 }]);
  });

  it('refuses every row when the token is not set', () => {
    const result = metaApi.prepare([outboxRow()], settings, {}, NOW);
    expect(result.requests).toEqual([]);
    expect(result.refused.map((one) => one.reason)).toEqual(['secret_missing']);
  });
});
