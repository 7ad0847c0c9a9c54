import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { startStandIns, type StandIns } from '../../../demo/stand-ins.mjs';
import { createRelay, type Relay } from '../../../src/relay';
import { testEvent } from '../event';
import { databases, type TestDatabase } from './databases';

// The relay end to end on loopback: accepted batches reach the vendor stand-ins exactly once,
// through faults, on the embedded PGlite and on a real Postgres (the same SQL).
vi.setConfig({ testTimeout: 30_000 });
const SECRETS = { GA4_SECRET: 'g-secret', META_TOKEN: 'm-token', WAREHOUSE_AUTH: 'Bearer w-secret' };

function relayConfig(vendors: StandIns) {
  return {
    version: 1,
    relay: { url: '/acquaint', rateLimit: false as const },
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
        settings: { pixelId: '123456', accessTokenEnv: 'META_TOKEN', endpoint: vendors.metaEndpoint },
      },
      {
        id: 'warehouse',
        type: 'http',
        mode: 'server',
        purposes: ['analytics'],
        settings: { url: vendors.httpUrl, headersEnv: { Authorization: 'WAREHOUSE_AUTH' } },
      },
    ],
  };
}

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const consented = { analytics: 'granted', marketing: 'granted' } as const;
const event = (messageId: string, overrides: Parameters<typeof testEvent>[0] = {}) =>
  testEvent({
    messageId,
    timestamp: new Date().toISOString(),
    userId: 'user-7',
    traits: { email: ' Ann@Example.com ' },
    ...overrides,
    context: { consent: consented, clickIds: { fbclid: 'fb-click' }, ...overrides.context },
  });

describe.each(databases)('forwarding on %s', (_name, open) => {
  let vendors: StandIns;
  let database: TestDatabase;
  let relay: Relay;
  const post = (id: string, events: unknown[]) =>
    relay(
      new Request(`http://relay.test/v1/batch/${id}`, {
        method: 'POST',
        body: JSON.stringify({ batch: events, sentAt: new Date().toISOString() }),
        headers: { 'User-Agent': 'Mozilla/5.0 test', Cookie: '_fbp=fb.1.1700000000000.42' },
      }),
    );
  const deadLetters = () =>
    database.db.query<{ destination: string; message_id: string; reason: string }>(
      'SELECT destination, message_id, reason FROM acquaint_dead_letters ORDER BY id',
    );

  beforeAll(async () => {
    vendors = await startStandIns({
      apiSecret: SECRETS.GA4_SECRET,
      accessToken: SECRETS.META_TOKEN,
      authorization: SECRETS.WAREHOUSE_AUTH,
    });
    database = await open();
    relay = createRelay(relayConfig(vendors), { database: database.db, env: SECRETS, logger: pino({ level: 'silent' }), pollMs: 100 });
    await relay.ready;
  }, 60_000);
  afterAll(async () => {
    await relay?.close();
    await database?.stop();
    await vendors?.close();
  });
  beforeEach(() => {
    vendors.clear();
    vendors.setFault();
  });

  it("forwards each accepted event once to each vendor, in the vendor's documented shape, and a retried batch not again", async () => {
    const events = [event('a-1'), event('a-2', { type: 'page', event: undefined })];
    for (const id of ['ga4', 'meta', 'warehouse']) expect((await post(id, events)).status).toBe(200);
    for (const id of ['ga4', 'meta', 'warehouse']) expect((await post(id, events)).status).toBe(200); // the page retried
    const received = await until(vendors.received, (r) => r.ga4.length >= 2 && r.meta.length >= 2 && r.http.length >= 2);
    // Give a duplicate every chance to show up: one more forwarding round.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = vendors.received();
    expect(after.ga4.map((e) => e.event?.name).sort()).toEqual(['page_view', 'purchase']);
    expect(after.ga4.every((e) => e.problems.length === 0)).toBe(true);
    expect(after.ga4[0]!.clientId).toBe('anon-1');
    expect(after.meta.map((e) => e.event.event_id).sort()).toEqual(['a-1', 'a-2']);
    const purchase = after.meta.find((e) => e.event.event_id === 'a-1')!.event;
    expect(purchase.event_name).toBe('Purchase');
    expect(purchase.user_data.fbp).toBe('fb.1.1700000000000.42');
    expect(purchase.user_data.client_user_agent).toBe('Mozilla/5.0 test');
    expect(after.http.map((e) => e.event.messageId).sort()).toEqual(['a-1', 'a-2']);
    expect(after.http[0]!.headers.authorization).toBe(SECRETS.WAREHOUSE_AUTH);
    expect(received.http.length).toBe(2);
  });

  it('keeps events through a vendor outage and sends them once it is back', async () => {
    vendors.setFault({ down: true, routes: ['http'] });
    expect((await post('warehouse', [event('b-1'), event('b-2')])).status).toBe(200);
    await until(
      () => vendors.requests().filter((r) => r.route === 'http' && r.status === 503).length,
      (n) => n >= 2,
    );
    expect(vendors.received().http).toEqual([]);
    vendors.setFault();
    const received = await until(
      () => vendors.received().http,
      (http) => http.length >= 2,
    );
    expect(received.map((e) => e.event.messageId).sort()).toEqual(['b-1', 'b-2']);
  });

  it('dead-letters what a vendor refuses, with the reason, and what is past its age limit', async () => {
    const tooOld = event('c-old', { timestamp: new Date(Date.now() - 8 * 86_400_000).toISOString() });
    vendors.setFault({ status: 400, routes: ['http'] });
    expect((await post('meta', [tooOld])).status).toBe(200);
    expect((await post('warehouse', [event('c-refused')])).status).toBe(200);
    const dead = await until(
      deadLetters,
      (rows) => rows.some((r) => r.message_id === 'c-old') && rows.some((r) => r.message_id === 'c-refused'),
    );
    const old = dead.find((r) => r.message_id === 'c-old')!;
    expect([old.destination, old.reason]).toEqual(['meta', expect.stringMatching(/^too_old/) as unknown]);
    const refused = dead.find((r) => r.message_id === 'c-refused')!;
    expect([refused.destination, refused.reason]).toEqual(['warehouse', expect.stringMatching(/HTTP 400/) as unknown]);
    expect(vendors.received().meta.map((e) => e.event.event_id)).not.toContain('c-old');
  });

  it('keeps no event, id or address of a forwarded row: only its key, so a late retry is still recognised', async () => {
    await post('warehouse', [event('d-1')]);
    await until(
      () => vendors.received().http,
      (http) => http.length === 1,
    );
    const [row] = await until(
      () =>
        database.db.query<Record<string, unknown>>(
          "SELECT state, event, client, anonymous_id, user_id FROM acquaint_outbox WHERE message_id = 'd-1'",
        ),
      (rows) => rows[0]?.state === 'sent',
    );
    expect(row).toEqual({ state: 'sent', event: null, client: null, anonymous_id: null, user_id: null });
  });
});
