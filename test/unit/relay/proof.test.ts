import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createRelay, type Relay } from '../../../src/relay';
import { testEvent } from '../event';
import { databases, type TestDatabase } from './databases';

// Proof and control through the relay (contract §10), on PGlite and on Postgres: consent receipts
// stored append-only and served as a chain, the server-set id cookie, and forget.
const config = {
  version: 1,
  relay: { url: '/acquaint', rateLimit: false as const },
  destinations: [{ id: 'warehouse', type: 'http', mode: 'server', purposes: ['analytics'], settings: { url: 'http://127.0.0.1:9/x' } }],
};
const uuid = () => crypto.randomUUID();
const receipt = (overrides: Record<string, unknown> = {}) => ({
  receiptId: uuid(),
  previousId: null,
  at: new Date().toISOString(),
  purposes: { necessary: 'granted', analytics: 'granted', marketing: 'denied' },
  version: 3,
  source: 'banner',
  gpc: false,
  textsHash: 'a'.repeat(64),
  ...overrides,
});

describe.each(databases)('proof and control on %s', (_name, open) => {
  let database: TestDatabase;
  let relay: Relay;
  beforeAll(async () => {
    database = await open();
    relay = createRelay(config, { database: database.db, env: {}, forward: false, logger: pino({ level: 'silent' }) });
    await relay.ready;
  }, 60_000);
  afterAll(async () => {
    await relay?.close();
    await database?.stop();
  });
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    relay(
      new Request(`http://relay.test${path}`, {
        method,
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...headers },
      }),
    );
  const sql = (text: string, params?: unknown[]) => database.db.query(text, params);

  it('stores each receipt once and serves the chain ending at an id, oldest first', async () => {
    const first = receipt();
    const second = receipt({
      previousId: first.receiptId,
      source: 'tcf',
      tcString: 'CQ-TC-STRING',
      purposes: { analytics: 'granted', marketing: 'granted' },
    });
    const third = receipt({ previousId: second.receiptId, source: 'api', purposes: { analytics: 'denied', marketing: 'denied' } });
    for (const r of [first, second, third])
      expect(await (await request('POST', '/v1/consent', r)).json()).toEqual({ receiptId: r.receiptId, stored: true });
    // The page's retry of a receipt already there: kept as it was, answered as known.
    const retry = await request('POST', '/v1/consent', { ...third, source: 'gpc' });
    expect(await retry.json()).toEqual({ receiptId: third.receiptId, stored: false });

    const chain = await request('GET', `/v1/consent/${third.receiptId}`);
    expect(chain.status).toBe(200);
    const { receipts } = (await chain.json()) as { receipts: (Record<string, unknown> & { receivedAt: string })[] };
    expect(receipts.map(({ receivedAt: _, ...r }) => r)).toEqual([first, second, third]);
    for (const r of receipts) expect(Date.parse(r.receivedAt)).toBeGreaterThan(Date.now() - 60_000);
    const middle = (await (await request('GET', `/v1/consent/${second.receiptId}`)).json()) as { receipts: unknown[] };
    expect(middle.receipts).toHaveLength(2);
  });

  it('refuses a receipt that is malformed or carries anything about the visitor, naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ ...receipt(), anonymousId: uuid() }, 'anonymousId'],
      [{ ...receipt(), url: 'https://shop.example/?email=a@b.c' }, 'url'],
      [receipt({ receiptId: 'r-1' }), 'receiptId: must be a random UUID (v4)'],
      [receipt({ previousId: 'not-a-uuid' }), 'previousId'],
      [receipt({ purposes: { analytics: 'yes' } }), 'purposes.analytics'],
      [receipt({ source: 'cookie' }), 'source'],
      [receipt({ textsHash: 'abc' }), 'textsHash: must be a SHA-256 in hex'],
      ['{not json', 'the body is not JSON'],
    ];
    for (const [body, named] of cases) {
      const answer = await request('POST', '/v1/consent', body);
      expect(answer.status, named).toBe(400);
      expect(((await answer.json()) as { error: string }).error).toContain(named);
    }
    expect((await request('POST', '/v1/consent', JSON.stringify(receipt()).padEnd(40_000))).status).toBe(413);
    const metrics = await (await request('GET', '/metrics')).text();
    expect(metrics).toMatch(/acquaint_relay_consent_receipts_total\{outcome="refused"\} 8/);
  });

  it('has no listing: an unknown or malformed id is 404', async () => {
    expect((await request('GET', `/v1/consent/${uuid()}`)).status).toBe(404);
    expect((await request('GET', '/v1/consent/1 OR 1=1')).status).toBe(404);
    expect((await request('GET', '/v1/consent')).status).toBe(404);
    expect((await request('GET', '/v1/consent/')).status).toBe(404);
  });

  it('the database itself refuses to change or remove a receipt younger than a year', async () => {
    const kept = receipt();
    await request('POST', '/v1/consent', kept);
    const refusals = [
      `UPDATE acquaint_consent_receipts SET receipt = '{}'::jsonb WHERE receipt_id = '${kept.receiptId}'`,
      `UPDATE acquaint_consent_receipts SET received_at = now() - interval '10 years'`,
      `DELETE FROM acquaint_consent_receipts WHERE receipt_id = '${kept.receiptId}'`,
      'DELETE FROM acquaint_consent_receipts',
      'TRUNCATE acquaint_consent_receipts',
    ];
    for (const statement of refusals) await expect(sql(statement), statement).rejects.toThrow(/append-only/);
    const counted = await database.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM acquaint_consent_receipts WHERE receipt_id = $1`,
      [kept.receiptId],
    );
    expect(counted).toEqual([{ n: 1 }]);

    // Past the retention only: a receipt written 400 days ago goes at 365 days' retention, not at 1,095.
    const old = receipt();
    await sql(
      `INSERT INTO acquaint_consent_receipts (receipt_id, receipt, received_at) VALUES ($1, $2::jsonb, now() - interval '400 days')`,
      [old.receiptId, JSON.stringify(old)],
    );
    const { createReceipts } = await import('../../../src/relay/store/receipts');
    const store = createReceipts(database.db);
    await store.purge(1095);
    expect(await store.chain(old.receiptId)).toHaveLength(1);
    await store.purge(30); // asks for less than the floor: the floor holds
    expect(await store.chain(old.receiptId)).toHaveLength(0);
    expect(await store.chain(kept.receiptId)).toHaveLength(1);
  });

  it('POST /v1/id sets the HttpOnly first-party cookie, and an id the cookie holds wins', async () => {
    const mine = uuid();
    const answer = await request('POST', '/v1/id', { anonymousId: mine });
    expect(await answer.json()).toEqual({ anonymousId: mine });
    const cookie = answer.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^acquaint_id=${mine};`));
    for (const attribute of ['Max-Age=34560000', 'Path=/', 'HttpOnly', 'Secure', 'SameSite=Lax']) expect(cookie).toContain(attribute);

    // Safari wiped the page's storage: it posts a new id, the cookie still knows the visitor.
    const again = await request('POST', '/v1/id', { anonymousId: uuid() }, { Cookie: `acquaint_id=${mine}` });
    expect(await again.json()).toEqual({ anonymousId: mine });
    for (const bad of [{}, { anonymousId: 'x' }, 'nope']) expect((await request('POST', '/v1/id', bad)).status).toBe(400);
  });

  it("DELETE /v1/id expires the cookie and deletes the visitor's events not forwarded, and only theirs", async () => {
    const visitor = uuid();
    const other = uuid();
    const batch = (anonymousId: string, userId: string | null, ids: string[]) => ({
      batch: ids.map((messageId) => testEvent({ messageId, anonymousId, userId, timestamp: new Date().toISOString() })),
      sentAt: new Date().toISOString(),
    });
    await request('POST', '/v1/batch/warehouse', batch(visitor, null, ['f-1', 'f-2']));
    await request('POST', '/v1/batch/warehouse', batch(uuid(), 'user-9', ['f-3'])); // the same person on another device
    await request('POST', '/v1/batch/warehouse', batch(other, null, ['f-4']));
    await sql(`UPDATE acquaint_outbox SET state = 'dead', reason = 'vendor_refused: HTTP 400' WHERE message_id = 'f-2'`);

    const answer = await request('DELETE', '/v1/id', { anonymousId: visitor, userId: 'user-9' }, { Cookie: `acquaint_id=${visitor}` });
    expect(await answer.json()).toEqual({ expired: true, deleted: 3 });
    expect(answer.headers.get('set-cookie')).toMatch(/^acquaint_id=;.*Max-Age=0/);
    const left = await sql(`SELECT message_id FROM acquaint_outbox WHERE message_id LIKE 'f-%' ORDER BY message_id`);
    expect(left).toEqual([{ message_id: 'f-4' }]);

    // Storage consent withdrawn: no ids, the cookie just expires; what it allowed before stays.
    const withdrawn = await request('DELETE', '/v1/id', undefined, { Cookie: `acquaint_id=${other}` });
    expect(await withdrawn.json()).toEqual({ expired: true, deleted: 0 });
    expect(withdrawn.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect(await sql(`SELECT message_id FROM acquaint_outbox WHERE message_id = 'f-4'`)).toHaveLength(1);
  });
});
