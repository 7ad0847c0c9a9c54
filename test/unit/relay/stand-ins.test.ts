// demo/stand-ins.mjs: each vendor stand-in accepts what its vendor documents, refuses (Meta,
// http) or flags (GA4) the rest, never falls over on odd input, and injects faults on request.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ga4Problems, metaProblems, startStandIns, type StandIns, type ValidationMessage } from '../../../demo/stand-ins.mjs';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const nowSeconds = () => Math.floor(Date.now() / 1000);
const HOUR = 3600 * 1000;

let vendors: StandIns;

beforeAll(async () => {
  vendors = await startStandIns();
});
afterAll(async () => {
  await vendors.close();
});
afterEach(() => {
  vendors.setFault();
  vendors.clear();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${vendors.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : body instanceof Uint8Array ? new Uint8Array(body) : JSON.stringify(body),
  });
}

// ---------------------------------------------------------------- GA4 Measurement Protocol

const GA4_PATH = '/mp/collect?measurement_id=G-TEST123&api_secret=s3cret';
const ga4Hit = (over: Record<string, unknown> = {}) => ({
  client_id: '1234567890.1700000000',
  user_id: 'user-1',
  timestamp_micros: (Date.now() - HOUR) * 1000,
  consent: { ad_user_data: 'GRANTED', ad_personalization: 'DENIED' },
  events: [
    {
      name: 'purchase',
      params: {
        session_id: '1700000000',
        engagement_time_msec: 1,
        currency: 'EUR',
        value: 12.5,
        transaction_id: 'T-1',
        items: [{ item_id: 'SKU-1', item_name: 'Mug', price: 12.5, quantity: 1 }],
      },
    },
  ],
  ...over,
});

/** The problems GA4 would drop one hit for (flattened), through the server. */
async function ga4(body: unknown, path = GA4_PATH): Promise<string[]> {
  vendors.clear();
  const res = await post(path, body);
  expect(res.status).toBe(204);
  return vendors.received().ga4.flatMap((entry) => entry.problems);
}

describe('GA4 Measurement Protocol stand-in', () => {
  it('answers 204 and records a valid hit, one entry per event, with its request', async () => {
    const hit = ga4Hit({ events: [ga4Hit().events[0], { name: 'page_view', params: { page_location: 'https://shop.example/' } }] });
    const res = await post(GA4_PATH, hit);
    expect(res.status).toBe(204);
    const { ga4: entries } = vendors.received();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      measurementId: 'G-TEST123',
      clientId: '1234567890.1700000000',
      userId: 'user-1',
      consent: { ad_user_data: 'GRANTED', ad_personalization: 'DENIED' },
      event: { name: 'purchase' },
      problems: [],
    });
    expect(entries[1]!.event?.name).toBe('page_view');
    expect(typeof entries[0]!.at).toBe('number');
    expect(vendors.requests()).toMatchObject([{ route: 'ga4', status: 204, problems: [], path: '/mp/collect' }]);
  });

  it('answers 204 to an invalid hit too (like Google), and records its problems', async () => {
    const problems = await ga4(ga4Hit({ client_id: undefined }), '/mp/collect');
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^measurement_id: .*VALUE_REQUIRED/),
        expect.stringMatching(/^api_secret: .*VALUE_REQUIRED/),
        expect.stringMatching(/^client_id: .*VALUE_REQUIRED/),
      ]),
    );
  });

  it('records a body that is not JSON as one entry without an event', async () => {
    const problems = await ga4('{not json');
    expect(vendors.received().ga4).toMatchObject([{ event: null }]);
    expect(problems).toEqual([expect.stringMatching(/not a JSON object/)]);
  });

  it('checks event names: ≤ 40 characters, a letter first, letters/digits/underscores, not reserved', async () => {
    const names = [
      'a'.repeat(40),
      'a'.repeat(41),
      '1st_event',
      'add-to-cart',
      'session_start',
      'first_visit',
      'ga_custom',
      'firebase_x',
      '_private',
      '',
    ];
    const events = names.map((name) => ({ name, params: {} }));
    await ga4(ga4Hit({ events }));
    const byName = vendors.received().ga4.map((entry) => [entry.event?.name, entry.problems.join(' | ')]);
    expect(byName[0]).toEqual([names[0], '']);
    expect(byName[1]![1]).toMatch(/longer than 40 characters \(VALUE_OUT_OF_BOUNDS\)/);
    expect(byName[2]![1]).toMatch(/NAME_INVALID/);
    expect(byName[3]![1]).toMatch(/NAME_INVALID/);
    expect(byName[4]![1]).toMatch(/is reserved \(NAME_RESERVED\)/);
    expect(byName[5]![1]).toMatch(/NAME_RESERVED/);
    expect(byName[6]![1]).toMatch(/reserved prefix/);
    expect(byName[7]![1]).toMatch(/reserved prefix/);
    expect(byName[8]![1]).toMatch(/NAME_INVALID/);
    expect(byName[9]![1]).toMatch(/VALUE_REQUIRED/);
  });

  it('checks params: ≤ 25, names ≤ 40 and valid, string values ≤ 100 characters, scalar values', async () => {
    const tooMany = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`p${i}`, i]));
    expect(await ga4(ga4Hit({ events: [{ name: 'e', params: tooMany }] }))).toEqual([expect.stringMatching(/EXCEEDED_MAX_ENTITIES/)]);
    const exactly = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`p${i}`, 'x'.repeat(100)]));
    expect(await ga4(ga4Hit({ events: [{ name: 'e', params: exactly }] }))).toEqual([]);
    const bad = {
      ['n'.repeat(41)]: 1,
      'bad-name': 1,
      google_thing: 1,
      firebase_conversion: 1,
      long: 'x'.repeat(101),
      nested: { a: 1 },
      nothing: null,
    };
    const problems = await ga4(ga4Hit({ events: [{ name: 'e', params: bad }] }));
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).toMatch(/params\.nnnn.*VALUE_OUT_OF_BOUNDS/);
    expect(problems.join('\n')).toMatch(/params\.bad-name.*NAME_INVALID/);
    expect(problems.join('\n')).toMatch(/params\.google_thing.*NAME_RESERVED/);
    expect(problems.join('\n')).toMatch(/params\.firebase_conversion.*NAME_RESERVED/);
    expect(problems.join('\n')).toMatch(/params\.long: value is longer than 100 characters/);
    expect(problems.join('\n')).toMatch(/params\.nested.*VALUE_INVALID/);
    expect(problems.join('\n')).toMatch(/params\.nothing.*VALUE_INVALID/);
  });

  it('counts characters, not UTF-16 units, against the 100-character limit', async () => {
    expect(await ga4(ga4Hit({ events: [{ name: 'e', params: { label: '😀'.repeat(100) } }] }))).toEqual([]);
  });

  it('checks items: an array of objects with item_id or item_name', async () => {
    expect(await ga4(ga4Hit({ events: [{ name: 'view_item', params: { items: [{ price: 1 }] } }] }))).toEqual([
      expect.stringMatching(/items\[0\]: an item needs item_id or item_name/),
    ]);
    expect(await ga4(ga4Hit({ events: [{ name: 'view_item', params: { items: 'SKU-1' } }] }))).toEqual([
      expect.stringMatching(/items must be an array/),
    ]);
  });

  it('holds at most 25 events a request', async () => {
    const events = Array.from({ length: 26 }, () => ({ name: 'e' }));
    const problems = await ga4(ga4Hit({ events }));
    expect(vendors.received().ga4).toHaveLength(26);
    expect(problems.filter((p) => /^events: 26 events.*EXCEEDED_MAX_ENTITIES/.test(p))).toHaveLength(26);
    expect(await ga4(ga4Hit({ events: Array.from({ length: 25 }, () => ({ name: 'e' })) }))).toEqual([]);
    expect(await ga4(ga4Hit({ events: [] }))).toEqual([expect.stringMatching(/^events: .*VALUE_REQUIRED/)]);
  });

  it('refuses timestamps older than 72 hours or in the future, at the request and the event', async () => {
    const micros = (ms: number) => ms * 1000;
    expect(await ga4(ga4Hit({ timestamp_micros: micros(Date.now() - 71 * HOUR) }))).toEqual([]);
    expect(await ga4(ga4Hit({ timestamp_micros: micros(Date.now() - 73 * HOUR) }))).toEqual([
      expect.stringMatching(/more than 72 hours old/),
    ]);
    expect(await ga4(ga4Hit({ timestamp_micros: micros(Date.now() + HOUR) }))).toEqual([expect.stringMatching(/in the future/)]);
    expect(await ga4(ga4Hit({ timestamp_micros: String(micros(Date.now())) }))).toEqual([]);
    expect(await ga4(ga4Hit({ timestamp_micros: Date.now() * 1000 + 0.5 }))).toEqual([expect.stringMatching(/not an integer/)]);
    const old = { name: 'e', timestamp_micros: micros(Date.now() - 80 * HOUR) };
    expect(await ga4(ga4Hit({ events: [old] }))).toEqual([expect.stringMatching(/^events\[0\]\.timestamp_micros: .*72 hours/)]);
  });

  it('checks user_id (≤ 256 characters), consent values and the body keys', async () => {
    expect(await ga4(ga4Hit({ user_id: 'u'.repeat(256) }))).toEqual([]);
    expect(await ga4(ga4Hit({ user_id: 'u'.repeat(257) }))).toEqual([expect.stringMatching(/user_id is longer than 256/)]);
    expect(await ga4(ga4Hit({ consent: { ad_user_data: 'granted' } }))).toEqual([expect.stringMatching(/GRANTED or DENIED/)]);
    expect(await ga4(ga4Hit({ consent: { analytics_storage: 'GRANTED' } }))).toEqual([expect.stringMatching(/consent\.analytics_storage/)]);
    expect(await ga4(ga4Hit({ clientId: 'camelCase' }))).toEqual([expect.stringMatching(/Cannot find field: clientId/)]);
    expect(await ga4(ga4Hit({ events: [{ name: 'e', parameters: {} }] }))).toEqual([
      expect.stringMatching(/Cannot find field: parameters/),
    ]);
  });

  it('checks user properties: ≤ 24-character names, ≤ 36-character values, reserved names', async () => {
    expect(await ga4(ga4Hit({ user_properties: { plan: { value: 'pro' } } }))).toEqual([]);
    const problems = await ga4(
      ga4Hit({ user_properties: { ['u'.repeat(25)]: { value: 1 }, plan: { value: 'x'.repeat(37) }, user_id: { value: 'a' }, bare: 'b' } }),
    );
    expect(problems).toHaveLength(4);
  });

  it('flags a post body of 130 kB or more', async () => {
    // Only items can take a hit within the other limits past 130 kB: 200 an event.
    const items = Array.from({ length: 200 }, (_, i) => ({ item_id: `${i}`.padEnd(99, 'x'), item_name: 'n'.repeat(99) }));
    const event = { name: 'view_item_list', params: { items } };
    const fits = ga4Hit({ events: [event, event] });
    expect(JSON.stringify(fits).length).toBeLessThan(130_000);
    expect(await ga4(fits)).toEqual([]);
    const over = ga4Hit({ events: [event, event, event] });
    expect(JSON.stringify(over).length).toBeGreaterThan(130_000);
    expect(await ga4(over)).toEqual([expect.stringMatching(/130 kB/), expect.stringMatching(/130 kB/), expect.stringMatching(/130 kB/)]);
  });

  it('with apiSecret, flags a hit whose api_secret is another', async () => {
    const strict = await startStandIns({ apiSecret: 'right' });
    try {
      await fetch(`${strict.url}/mp/collect?measurement_id=G-1&api_secret=wrong`, { method: 'POST', body: JSON.stringify(ga4Hit()) });
      await fetch(`${strict.url}/mp/collect?measurement_id=G-1&api_secret=right`, { method: 'POST', body: JSON.stringify(ga4Hit()) });
      expect(strict.received().ga4.map((e) => e.problems)).toEqual([[expect.stringMatching(/^api_secret: .*VALUE_INVALID/)], []]);
    } finally {
      await strict.close();
    }
  });

  it('serves the validation server at /debug/mp/collect, recording nothing', async () => {
    const ok = await post('/debug/mp/collect?measurement_id=G-1&api_secret=s', ga4Hit());
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ validationMessages: [] });
    const bad = await post('/debug/mp/collect?measurement_id=G-1&api_secret=s', ga4Hit({ events: [{ name: '_badEventName' }] }));
    const { validationMessages } = (await bad.json()) as { validationMessages: ValidationMessage[] };
    expect(validationMessages).toMatchObject([{ fieldPath: 'events[0].name', validationCode: 'NAME_INVALID' }]);
    expect(validationMessages[0]?.description).toMatch(/_badEventName/);
    expect(vendors.received().ga4).toEqual([]);
  });

  it('ga4Problems is the same check without a server', () => {
    const { request: req, events } = ga4Problems({
      measurementId: 'G-1',
      apiSecret: 's',
      body: ga4Hit({ events: [{ name: 'ok' }, { name: 'screen_view' }] }),
    });
    expect(req).toEqual([]);
    expect(events).toEqual([[], [expect.objectContaining({ validationCode: 'NAME_RESERVED', fieldPath: 'events[1].name' })]]);
  });
});

// ---------------------------------------------------------------- Meta Conversions API

const META_PATH = '/v21.0/1234567890/events';
const metaEvent = (over: Record<string, unknown> = {}) => ({
  event_name: 'Purchase',
  event_time: nowSeconds() - 60,
  event_id: 'msg-1',
  action_source: 'website',
  event_source_url: 'https://shop.example/checkout',
  user_data: {
    em: [sha('person@example.com')],
    ph: sha('448444124653'),
    external_id: sha('user-1'),
    client_ip_address: '203.0.113.7',
    client_user_agent: 'Mozilla/5.0',
    fbc: 'fb.1.1700000000000.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk',
    fbp: 'fb.1.1596403881668.1116446470',
  },
  custom_data: { currency: 'EUR', value: 12.5 },
  ...over,
});
const metaBody = (data: unknown[], over: Record<string, unknown> = {}) => ({ data, access_token: 'token', ...over });
const userData = (over: Record<string, unknown>) => ({ ...metaEvent().user_data, ...over });

interface GraphError {
  error: { message: string; type: string; code: number; fbtrace_id: string; error_user_msg?: string };
}

/** Posts to Meta expecting a 400, and returns the Graph error. */
async function metaRefusal(body: unknown, path = META_PATH, headers: Record<string, string> = {}): Promise<GraphError['error']> {
  const res = await post(path, body, headers);
  expect(res.status).toBe(400);
  const { error } = (await res.json()) as GraphError;
  expect(error.type).toBe('OAuthException');
  expect(error.fbtrace_id).toMatch(/^\S+$/);
  expect(vendors.received().meta).toEqual([]);
  return error;
}
const refusalText = (error: GraphError['error']) => `${error.message} ${error.error_user_msg ?? ''}`;

describe('Meta Conversions API stand-in', () => {
  it('answers 200 to a valid request and records each event, duplicates too', async () => {
    const res = await post(META_PATH, metaBody([metaEvent(), metaEvent(), metaEvent({ event_name: 'PageView', custom_data: undefined })]));
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { events_received: number; messages: unknown[]; fbtrace_id: string };
    expect(answer).toMatchObject({ events_received: 3, messages: [] });
    expect(answer.fbtrace_id).toMatch(/^\S+$/);
    const { meta } = vendors.received();
    expect(meta).toHaveLength(3);
    expect(meta[0]).toMatchObject({
      pixelId: '1234567890',
      apiVersion: 'v21.0',
      testEventCode: null,
      event: { event_name: 'Purchase', event_id: 'msg-1' },
    });
    expect(meta.filter((e) => e.event.event_id === 'msg-1' && e.event.event_name === 'Purchase')).toHaveLength(2);
  });

  it('takes the access token from the query, the body or an Authorization header; refuses a request without one', async () => {
    const body = { data: [metaEvent()] };
    expect((await post(`${META_PATH}?access_token=t`, body)).status).toBe(200);
    expect((await post(META_PATH, { ...body, access_token: 't' })).status).toBe(200);
    expect((await post(META_PATH, body, { Authorization: 'Bearer t' })).status).toBe(200);
    vendors.clear();
    const missing = await metaRefusal(body);
    expect(missing.code).toBe(104);
    expect(missing.message).toMatch(/access token is required/);
  });

  it('with accessToken, refuses another token (Graph code 190)', async () => {
    const strict = await startStandIns({ accessToken: 'right' });
    try {
      const send = (token: string) =>
        fetch(`${strict.url}${META_PATH}?access_token=${token}`, { method: 'POST', body: JSON.stringify({ data: [metaEvent()] }) });
      const wrong = await send('wrong');
      expect(wrong.status).toBe(400);
      expect(((await wrong.json()) as GraphError).error).toMatchObject({ code: 190, type: 'OAuthException' });
      expect((await send('right')).status).toBe(200);
      expect(strict.received().meta).toHaveLength(1);
    } finally {
      await strict.close();
    }
  });

  it('accepts a form-encoded body with data as JSON (as Graph does)', async () => {
    const form = new URLSearchParams({ data: JSON.stringify([metaEvent()]), access_token: 't', test_event_code: 'TEST123' });
    const res = await post(META_PATH, form.toString(), { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    expect(vendors.received().meta).toMatchObject([{ testEventCode: 'TEST123' }]);
  });

  it('refuses an unknown pixel path, a body that is not JSON, and data that is empty or over 1000 events', async () => {
    expect(await metaRefusal(metaBody([metaEvent()]), '/v21.0/not-a-pixel/events')).toMatchObject({ code: 100 });
    expect(await metaRefusal('{oops')).toMatchObject({ code: 100 });
    expect(refusalText(await metaRefusal(metaBody([])))).toMatch(/data is required/);
    expect(refusalText(await metaRefusal({ access_token: 't' }))).toMatch(/data is required/);
    expect(refusalText(await metaRefusal(metaBody(Array.from({ length: 1001 }, () => metaEvent()))))).toMatch(/at most 1000/);
    expect((await post(META_PATH, metaBody(Array.from({ length: 1000 }, () => metaEvent())))).status).toBe(200);
  });

  it('refuses the whole request when one event_time is over 7 days old, in the future, or in milliseconds', async () => {
    const day = 86400;
    expect((await post(META_PATH, metaBody([metaEvent({ event_time: nowSeconds() - 6 * day })]))).status).toBe(200);
    vendors.clear();
    const old = await metaRefusal(metaBody([metaEvent(), metaEvent({ event_time: nowSeconds() - 8 * day })]));
    expect(old.code).toBe(100);
    expect(old.message).toMatch(/^\(#100\) data\[1\]\.event_time: .*more than 7 days/);
    expect(refusalText(await metaRefusal(metaBody([metaEvent({ event_time: nowSeconds() + 3600 })])))).toMatch(/in the future/);
    expect(refusalText(await metaRefusal(metaBody([metaEvent({ event_time: Date.now() })])))).toMatch(/milliseconds/);
    expect(refusalText(await metaRefusal(metaBody([metaEvent({ event_time: undefined })])))).toMatch(/event_time: is required/);
  });

  it('requires event_name, action_source, and for website events event_source_url and client_user_agent', async () => {
    expect(refusalText(await metaRefusal(metaBody([metaEvent({ event_name: '' })])))).toMatch(/event_name: is required/);
    expect(refusalText(await metaRefusal(metaBody([metaEvent({ action_source: undefined })])))).toMatch(/action_source: is required/);
    expect(refusalText(await metaRefusal(metaBody([metaEvent({ action_source: 'web' })])))).toMatch(/action_source/);
    expect(refusalText(await metaRefusal(metaBody([metaEvent({ event_source_url: undefined })])))).toMatch(
      /event_source_url: is required for website/,
    );
    expect(refusalText(await metaRefusal(metaBody([metaEvent({ event_source_url: 'javascript:alert(1)' })])))).toMatch(/event_source_url/);
    const noAgent = metaEvent({ user_data: userData({ client_user_agent: undefined }) });
    expect(refusalText(await metaRefusal(metaBody([noAgent])))).toMatch(/client_user_agent: is required for website/);
    // Not a website event: neither is needed.
    const store = metaEvent({ action_source: 'physical_store', event_source_url: undefined, user_data: { em: sha('a@b.c') } });
    expect((await post(META_PATH, metaBody([store]))).status).toBe(200);
  });

  it('requires user_data with customer information, hashed where Meta says so', async () => {
    expect(refusalText(await metaRefusal(metaBody([metaEvent({ user_data: undefined })])))).toMatch(/user_data: is required/);
    const empty = metaEvent({ action_source: 'system_generated', event_source_url: undefined, user_data: {} });
    expect(refusalText(await metaRefusal(metaBody([empty])))).toMatch(/no customer information parameter/);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ em: 'person@example.com' }, /user_data\.em: must be a SHA-256/],
      [{ em: sha('x').toUpperCase() }, /user_data\.em: must be a SHA-256/],
      [{ em: [] }, /user_data\.em/],
      [{ ph: '+44 844 412 4653' }, /user_data\.ph/],
      [{ external_id: 'user-1' }, /user_data\.external_id/],
      [{ fbc: 'IwAR2F4-dbP0l7Mn1' }, /user_data\.fbc/],
      [{ fbc: sha('fb.1.1.x') }, /user_data\.fbc/],
      [{ fbp: 'fb.1.abc.123' }, /user_data\.fbp/],
      [{ client_ip_address: sha('203.0.113.7') }, /user_data\.client_ip_address/],
      [{ email: sha('x') }, /user_data\.email: is not a customer information parameter/],
    ];
    for (const [over, message] of cases) {
      expect(refusalText(await metaRefusal(metaBody([metaEvent({ user_data: userData(over) })])))).toMatch(message);
    }
    const ok = metaEvent({
      user_data: userData({ em: [sha('a'), sha('b')], client_ip_address: '2001:db8::1', fbc: 'fb.2.1700000000000.abc' }),
    });
    expect((await post(META_PATH, metaBody([ok]))).status).toBe(200);
  });

  it('requires value and currency on Purchase, and refuses unknown event keys', async () => {
    expect(refusalText(await metaRefusal(metaBody([metaEvent({ custom_data: { value: 1 } })])))).toMatch(
      /currency: is required for Purchase/,
    );
    expect(refusalText(await metaRefusal(metaBody([metaEvent({ custom_data: { value: '1', currency: 'EUR' } })])))).toMatch(
      /value: must be a number/,
    );
    expect(refusalText(await metaRefusal(metaBody([metaEvent({ eventName: 'x' })])))).toMatch(/eventName: is not a server event parameter/);
  });

  it('lists every problem of a refused request in error_user_msg and the request log', async () => {
    const error = await metaRefusal(metaBody([metaEvent({ event_name: '', user_data: userData({ em: 'plain' }) })]));
    expect(error.error_user_msg).toMatch(/event_name.*; .*user_data\.em/);
    expect(vendors.requests()).toMatchObject([
      { route: 'meta', status: 400, problems: [expect.stringMatching(/event_name/), expect.stringMatching(/em/)] },
    ]);
  });

  it('metaProblems is the same check without a server', () => {
    expect(metaProblems({ body: { data: [metaEvent()] } })).toEqual([]);
    expect(metaProblems({ body: { data: [metaEvent()] }, now: Date.now() + 8 * 86400_000 })).toEqual([expect.stringMatching(/7 days/)]);
  });
});

// ---------------------------------------------------------------- the plain http collector

const batch = (n = 2) => ({
  batch: Array.from({ length: n }, (_, i) => ({
    type: 'track',
    event: 'purchase',
    messageId: `m-${i}`,
    timestamp: new Date().toISOString(),
    anonymousId: 'a-1',
    properties: { value: 10 },
  })),
  sentAt: new Date().toISOString(),
});

describe('http collector stand-in', () => {
  it('records each event of a §6 batch with the request headers', async () => {
    const res = await post('/collect', batch(), { Authorization: 'Basic d3JpdGUta2V5Og==' });
    expect(res.status).toBe(200);
    const { http } = vendors.received();
    expect(http).toHaveLength(2);
    expect(http[0]).toMatchObject({ path: '/collect', event: { messageId: 'm-0' }, headers: { authorization: 'Basic d3JpdGUta2V5Og==' } });
    expect(vendors.httpUrl).toBe(`${vendors.url}/collect`);
  });

  it('answers 400 to a body that is no batch, recording nothing', async () => {
    for (const body of ['nope', { batch: [] }, { events: [] }, { batch: [{ type: 'track' }], sentAt: 'x' }]) {
      expect((await post('/collect', body)).status).toBe(400);
    }
    expect(vendors.received().http).toEqual([]);
  });

  it('with authorization, answers 401 to a request without that header', async () => {
    const strict = await startStandIns({ authorization: 'Bearer key' });
    try {
      const send = (headers: Record<string, string>) => fetch(strict.httpUrl, { method: 'POST', headers, body: JSON.stringify(batch(1)) });
      expect((await send({})).status).toBe(401);
      expect((await send({ Authorization: 'Bearer other' })).status).toBe(401);
      expect((await send({ Authorization: 'Bearer key' })).status).toBe(200);
      expect(strict.received().http).toHaveLength(1);
    } finally {
      await strict.close();
    }
  });
});

// ---------------------------------------------------------------- the server itself

/** A raw request through node:http (fetch refuses some of what this sends). */
function raw(method: string, path: string, body: Buffer | string, headers: Record<string, string | number> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${vendors.url}${path}`, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('stand-ins server', () => {
  it('serves received() as JSON at GET /received, and DELETE /received clears it', async () => {
    await post(GA4_PATH, ga4Hit());
    await post(META_PATH, metaBody([metaEvent()]));
    await post('/collect', batch(1));
    const res = await fetch(`${vendors.url}/received`);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const served = (await res.json()) as unknown;
    expect(served).toEqual(JSON.parse(JSON.stringify(vendors.received())));
    expect(vendors.received()).toMatchObject({ ga4: [{}], meta: [{}], http: [{}] });
    expect((await fetch(`${vendors.url}/received`, { method: 'DELETE' })).status).toBe(204);
    expect(vendors.received()).toEqual({ ga4: [], meta: [], http: [] });
  });

  it('answers 404 elsewhere, 405 to a GET on a vendor route', async () => {
    expect((await fetch(`${vendors.url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${vendors.url}/mp/collect`)).status).toBe(405);
    expect((await fetch(`${vendors.url}/v21.0/1/events`)).status).toBe(405);
  });

  it('refuses a body over 2 MB with 413', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024 + 1);
    expect(await raw('POST', '/collect', big)).toBe(413);
    // Without a Content-Length (chunked), it stops reading past 2 MB too.
    expect(await raw('POST', '/collect', big, { 'Transfer-Encoding': 'chunked' })).toBe(413);
    expect(vendors.requests().map((r) => r.status)).toEqual([413, 413]);
  });

  it('takes gzip bodies', async () => {
    const res = await post('/collect', gzipSync(JSON.stringify(batch(1))), { 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(await raw('POST', '/collect', 'not gzip', { 'Content-Encoding': 'gzip' })).toBe(400);
  });

  it('never falls over on malformed input', async () => {
    const junk = [
      Buffer.from([0xff, 0xfe, 0x00, 0x01]),
      '',
      'null',
      '[]',
      '{"data": "x"}',
      '{"batch": null}',
      '{"events": [null, 1, "x"]}',
      '{"__proto__": {"x": 1}}',
    ];
    const paths = [GA4_PATH, '/debug/mp/collect', META_PATH, `${META_PATH}?access_token=t`, '/collect', '/v1.0/%00/events'];
    for (const path of paths) for (const body of junk) expect(await raw('POST', path, body)).toBeLessThan(500);
    expect(await raw('POST', '/collect', '{}', { 'Content-Encoding': 'br' })).toBe(415);
    const meta = { data: [{ ...metaEvent(), user_data: [] }, null, 7, { user_data: { em: [null, 1, {}] } }] };
    expect(await raw('POST', `${META_PATH}?access_token=t`, JSON.stringify(meta))).toBe(400);
    expect((await fetch(`${vendors.url}/healthz`)).status).toBe(200);
  });
});

describe('faults', () => {
  it('down: every vendor route answers 503 (with Retry-After when asked), /received still works; nothing is recorded', async () => {
    vendors.setFault({ down: true, retryAfter: 2 });
    const answers = await Promise.all([post(GA4_PATH, ga4Hit()), post(META_PATH, metaBody([metaEvent()])), post('/collect', batch())]);
    expect(answers.map((r) => r.status)).toEqual([503, 503, 503]);
    expect(answers[0].headers.get('retry-after')).toBe('2');
    expect(((await answers[1].json()) as GraphError).error).toMatchObject({ code: 2, type: 'OAuthException' });
    expect((await fetch(`${vendors.url}/received`)).status).toBe(200);
    expect(vendors.received()).toEqual({ ga4: [], meta: [], http: [] });
    expect(vendors.requests().map((r) => r.status)).toEqual([503, 503, 503]);
    vendors.setFault();
    expect((await post('/collect', batch())).status).toBe(200);
  });

  it('reset: the socket is destroyed, a network error for the client', async () => {
    vendors.setFault({ reset: true });
    await expect(post('/collect', batch())).rejects.toThrow();
    expect(vendors.requests()).toMatchObject([{ route: 'http', status: 'reset' }]);
    expect(vendors.received().http).toEqual([]);
  });

  it('status: every vendor request answers it (429 here)', async () => {
    vendors.setFault({ status: 429 });
    const res = await post(META_PATH, metaBody([metaEvent()]));
    expect(res.status).toBe(429);
    expect(((await res.json()) as GraphError).error).toMatchObject({ code: 4 });
    expect((await post(GA4_PATH, ga4Hit())).status).toBe(429);
  });

  it('routes: only the routes named are faulted', async () => {
    vendors.setFault({ down: true, routes: ['meta'] });
    expect((await post(META_PATH, metaBody([metaEvent()]))).status).toBe(503);
    expect((await post(GA4_PATH, ga4Hit())).status).toBe(204);
    expect((await post('/collect', batch())).status).toBe(200);
  });

  it('failRatio: that share fails, the same requests for the same seed', async () => {
    const run = async (seed: number) => {
      vendors.setFault({ failRatio: 0.5, seed });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await post('/collect', batch(1))).status);
      return statuses;
    };
    const first = await run(42);
    const failed = first.filter((s) => s === 500).length;
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
    expect(first.every((s) => s === 200 || s === 500)).toBe(true);
    expect(vendors.received().http).toHaveLength(40 - failed);
    expect(await run(42)).toEqual(first);
    expect(await run(7)).not.toEqual(first);
    vendors.setFault({ failRatio: 1, status: 502 });
    expect((await post('/collect', batch(1))).status).toBe(502);
  });
});
