import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createRelay, RelayConfigError, type Relay } from '../../../src/relay';
import { openDb, type Db } from '../../../src/relay/store/db';
import { testEvent } from '../event';

// The relay's intake as a fetch handler (contract §9), on an in-memory PGlite, not forwarding.
const config = {
  version: 1,
  relay: { url: '/acquaint', origins: ['https://shop.example'], rateLimit: { requests: 1000 } },
  destinations: [
    {
      id: 'warehouse',
      type: 'http',
      mode: 'server',
      purposes: ['analytics'],
      fields: ['properties.value', 'properties.note'],
      settings: { url: 'http://127.0.0.1:9/collect', headersEnv: { Authorization: 'WAREHOUSE_AUTH' } },
    },
    {
      id: 'ga4',
      type: 'ga4',
      mode: 'server',
      purposes: ['analytics'],
      settings: { measurementId: 'G-TEST123', apiSecretEnv: 'GA4_SECRET' },
    },
    { id: 'pixel', type: 'meta-pixel', purposes: ['marketing'], settings: { pixelId: '12345' } },
  ],
};
const env = { WAREHOUSE_AUTH: 'Bearer w-secret', GA4_SECRET: 'g-secret' };
const silent = pino({ level: 'silent' });

let db: Db;
let relay: Relay;
beforeAll(async () => {
  db = await openDb({ memory: true });
  relay = createRelay(config, { database: db, env, forward: false, logger: silent });
  await relay.ready;
}, 60_000);
afterAll(async () => {
  await relay.close();
  await db.close();
});

const post = (id: string, body: unknown, headers: Record<string, string> = {}) =>
  relay(
    new Request(`http://relay.test/v1/batch/${id}`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...headers },
    }),
  );
const rows = (destination: string) =>
  db.query<{ message_id: string; event: { properties: Record<string, unknown> } }>(
    'SELECT message_id, event FROM acquaint_outbox WHERE destination = $1 ORDER BY id',
    [destination],
  );
const batch = (...events: unknown[]) => ({ batch: events, sentAt: new Date().toISOString() });

describe('the relay: a batch from the page', () => {
  it('answers 200 only once the events are in the outbox, with its rules applied, and a retried batch adds nothing', async () => {
    const events = [
      testEvent({ messageId: 'w-1', properties: { value: 10, coupon: 'SUMMER', note: 'mail me at ann@example.com' } }),
      testEvent({ messageId: 'w-2' }),
    ];
    const response = await post('warehouse', batch(...events));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 2, refused: [] });
    const again = await post('warehouse', batch(...events));
    expect(await again.json()).toEqual({ accepted: 2, refused: [] });
    const stored = await rows('warehouse');
    expect(stored.map((row) => row.message_id)).toEqual(['w-1', 'w-2']);
    // fields: only value and note leave (a field named outright is exempt from redaction, as in the page).
    expect(stored[0]!.event.properties).toEqual({ value: 10, note: 'mail me at ann@example.com' });
  });

  it('refuses invalid events one by one, with their index and reason, and accepts the rest', async () => {
    const good = testEvent({ messageId: 'g-1', properties: { note: 'mail me at ann@example.com' } });
    const noConsent = testEvent({ messageId: 'g-2', context: { consent: { analytics: 'denied' } } });
    const response = await post('ga4', batch(good, { type: 'track', messageId: 'g-3' }, noConsent, 'not an event'));
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { accepted: number; refused: { index: number; messageId?: string; reason: string }[] };
    expect(answer.accepted).toBe(1);
    expect(answer.refused.map(({ index, messageId, reason }) => [index, messageId, reason.split(':')[0]])).toEqual([
      [1, 'g-3', 'invalid'],
      [2, 'g-2', 'no_consent'],
      [3, undefined, 'invalid'],
    ]);
    expect(answer.refused[0]!.reason).toMatch(/anonymousId/);
    const stored = await rows('ga4');
    expect(stored.map((row) => row.message_id)).toEqual(['g-1']);
    // Redaction (on by default) blanks the email, as the page would have.
    expect(stored[0]!.event.properties.note).not.toContain('ann@example.com');
  });

  it('refuses a body that is not the §6 format (400), an unknown or browser-mode destination (404), an oversized body (413)', async () => {
    expect((await post('warehouse', 'not json')).status).toBe(400);
    expect((await post('warehouse', { events: [] })).status).toBe(400);
    expect((await post('nope', batch(testEvent()))).status).toBe(404);
    expect((await post('pixel', batch(testEvent()))).status).toBe(404);
    const big = batch(
      ...Array.from({ length: 40 }, (_, i) => testEvent({ messageId: `big-${i}`, properties: { text: 'x'.repeat(14_000) } })),
    );
    expect((await post('warehouse', big)).status).toBe(413);
  });

  it("accepts a page the destination's fields narrowed to its URL", async () => {
    const narrowed = {
      ...testEvent({ messageId: 'p-1' }),
      context: { consent: { analytics: 'granted' }, page: { url: 'https://shop.example/' } },
    };
    expect(await (await post('warehouse', batch(narrowed))).json()).toEqual({ accepted: 1, refused: [] });
  });

  it('refuses an event over 32 KB alone', async () => {
    const answer = (await (
      await post(
        'warehouse',
        batch(testEvent({ messageId: 'huge', properties: { text: 'x'.repeat(40_000) } }), testEvent({ messageId: 'small' })),
      )
    ).json()) as { accepted: number; refused: { reason: string }[] };
    expect(answer.accepted).toBe(1);
    expect(answer.refused[0]!.reason).toMatch(/^too_large/);
  });

  it('refuses an origin not in relay.origins (403) and answers CORS for a listed one', async () => {
    expect((await post('warehouse', batch(testEvent({ messageId: 'o-1' })), { Origin: 'https://evil.example' })).status).toBe(403);
    const allowed = await post('warehouse', batch(testEvent({ messageId: 'o-2' })), { Origin: 'https://shop.example' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const preflight = await relay(
      new Request('http://relay.test/v1/batch/warehouse', {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://shop.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      }),
    );
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('serves /healthz and /metrics (received, accepted, refused by reason, outbox depth)', async () => {
    expect(await (await relay(new Request('http://relay.test/healthz'))).json()).toEqual({ ok: true });
    const text = await (await relay(new Request('http://relay.test/metrics'))).text();
    expect(text).toMatch(/acquaint_relay_events_accepted_total\{destination="warehouse"\} \d+/);
    expect(text).toMatch(/acquaint_relay_events_refused_total\{destination="ga4",reason="no_consent"\} 1/);
    expect(text).toMatch(/acquaint_relay_outbox_depth\{destination="warehouse"\} \d+/);
  });
});

describe('the relay: rate limit', () => {
  it('answers 429 with Retry-After past the limit for one address', async () => {
    const limited = createRelay(
      { ...config, relay: { url: '/acquaint', rateLimit: { requests: 2, windowSeconds: 60 } } },
      {
        database: db,
        env,
        forward: false,
        logger: silent,
      },
    );
    const send = () =>
      limited(
        new Request('http://relay.test/v1/batch/warehouse', { method: 'POST', body: JSON.stringify(batch(testEvent({ messageId: 'r' }))) }),
      );
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    const third = await send();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    await limited.close();
  });
});

describe('the relay: config', () => {
  const start =
    (input: unknown, environment: Record<string, string> = env) =>
    () =>
      createRelay(input, { database: db, env: environment, forward: false, logger: silent });

  it('refuses a secret written in the config, naming its path', () => {
    const withSecret = structuredClone(config);
    (withSecret.destinations[1]!.settings as Record<string, unknown>).api_secret = 'abc';
    expect(start(withSecret)).toThrow(RelayConfigError);
    expect(start(withSecret)).toThrow(/destinations\[1\]\.settings\.api_secret/);
  });

  it('names an environment variable that is not set, never a value', () => {
    expect(start(config, { GA4_SECRET: 'g-secret' })).toThrow(/WAREHOUSE_AUTH is not set/);
  });

  it('needs a relay section, and the secret variable of each server-mode vendor', () => {
    expect(start({ version: 1, destinations: [] })).toThrow(/relay/);
    const noSecretEnv = structuredClone(config);
    delete (noSecretEnv.destinations[1]!.settings as Record<string, unknown>).apiSecretEnv;
    expect(start(noSecretEnv)).toThrow(/destinations\[1\]\.settings\.apiSecretEnv/);
  });
});
