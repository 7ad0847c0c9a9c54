import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Logger } from 'pino';
import type { Metrics } from './metrics';
import { isReceiptId, MAX_RECEIPT_BYTES, parseReceipt } from './receipts';
import type { Outbox } from './store/outbox';
import type { Receipts } from './store/receipts';

/** The first-party cookie holding the visitor's anonymousId (contract §10). */
export const ID_COOKIE = 'acquaint_id';
/** 400 days: the longest a browser keeps a cookie. */
const ID_COOKIE_SECONDS = 400 * 86_400;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ID_BODY_BYTES = 2048;

export interface ProofDeps {
  receipts: Receipts;
  outbox: Outbox;
  metrics: Metrics;
  log: Logger;
  /** Resolves once the database is open and its tables exist. */
  ready: Promise<void>;
}

const unavailable = (c: Context) => c.json({ error: 'the relay cannot store this right now' }, 503, { 'Retry-After': '5' });

/** A small JSON body as an object, or undefined (empty, not JSON, or not an object). */
async function jsonObject(c: Context): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await c.req.text());
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Proof and control (contract §10): consent receipts (`POST /v1/consent`, the chain at
 * `GET /v1/consent/<receiptId>`), the server-set id cookie (`POST /v1/id`) and forget
 * (`DELETE /v1/id`: the cookie expired and this visitor's events not forwarded deleted).
 */
export function proofRoutes<E extends { Bindings: object }>(app: Hono<E>, { receipts, outbox, metrics, log, ready }: ProofDeps): void {
  const tooLarge = (max: number) => bodyLimit({ maxSize: max, onError: (c) => c.json({ error: `the body is over ${max} bytes` }, 413) });

  app.post('/v1/consent', tooLarge(MAX_RECEIPT_BYTES), async (c) => {
    const parsed = parseReceipt(await c.req.text());
    if ('error' in parsed) {
      metrics.receipts.inc({ outcome: 'refused' });
      return c.json({ error: parsed.error }, 400);
    }
    try {
      await ready;
      const stored = await receipts.add(parsed.receipt);
      metrics.receipts.inc({ outcome: stored ? 'stored' : 'known' });
      return c.json({ receiptId: parsed.receipt.receiptId, stored });
    } catch (error) {
      log.error({ err: error }, 'could not store a consent receipt');
      return unavailable(c);
    }
  });

  // No listing: a chain is found only by an id its device holds (random, v4).
  app.get('/v1/consent/:receiptId', async (c) => {
    const id = c.req.param('receiptId').toLowerCase();
    const missing = () => c.json({ error: 'no such receipt' }, 404);
    if (!isReceiptId(id)) return missing();
    try {
      await ready;
      const chain = await receipts.chain(id);
      return chain.length ? c.json({ receipts: chain }) : missing();
    } catch (error) {
      log.error({ err: error }, 'could not read a consent receipt chain');
      return unavailable(c);
    }
  });

  // The page posts its id once storage is allowed; an id the cookie already holds wins (Safari
  // may have wiped the page's storage, not this HttpOnly cookie), and is answered for the page to adopt.
  app.post('/v1/id', tooLarge(ID_BODY_BYTES), async (c) => {
    const posted = (await jsonObject(c))?.anonymousId;
    const kept = getCookie(c, ID_COOKIE);
    const id = kept && UUID.test(kept) ? kept : typeof posted === 'string' && UUID.test(posted) ? posted : undefined;
    if (!id) return c.json({ error: 'expected {"anonymousId": "<uuid>"}' }, 400);
    setCookie(c, ID_COOKIE, id, { path: '/', maxAge: ID_COOKIE_SECONDS, httpOnly: true, secure: true, sameSite: 'Lax' });
    return c.json({ anonymousId: id });
  });

  // Withdrawn storage consent (no body): the cookie expires, and the events held stay (they were
  // allowed). forget(): also {anonymousId, userId}, whose events waiting here (or dead-lettered)
  // are deleted; the cookie's own id counts too.
  app.delete('/v1/id', tooLarge(ID_BODY_BYTES), async (c) => {
    const body = (await jsonObject(c)) ?? {};
    const posted = [body.anonymousId].filter((v): v is string => typeof v === 'string' && UUID.test(v));
    const userId = typeof body.userId === 'string' && body.userId.length > 0 && body.userId.length <= 256 ? body.userId : null;
    const kept = getCookie(c, ID_COOKIE);
    deleteCookie(c, ID_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'Lax' });
    if (!posted.length && !userId) return c.json({ expired: true, deleted: 0 });
    const anonymousIds = kept && UUID.test(kept) ? [...posted, kept] : posted;
    try {
      await ready;
      const deleted = await outbox.forget([...new Set(anonymousIds)], userId);
      log.info({ deleted }, 'forgot a visitor');
      return c.json({ expired: true, deleted });
    } catch (error) {
      log.error({ err: error }, 'could not forget a visitor');
      return unavailable(c);
    }
  });
}
