import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { pino, type Logger } from 'pino';
import { loadRelayConfig } from './config';
import { createForwarder, type Target } from './forwarder';
import { createIntake, reasonCode } from './intake';
import { createMetrics } from './metrics';
import { createRateLimit } from './rate-limit';
import { openDb, type Db, type DbTarget } from './store/db';
import { CLAIM_MS, createOutbox } from './store/outbox';
import { createReceipts } from './store/receipts';
import { proofRoutes } from './proof';
import type { ClientInfo } from './vendors/types';
import { MAX_BATCH_BYTES, parseBatch } from './wire';

export interface RelayOptions {
  /** A database, or where to open one: `{ url }` a Postgres, `{ dir }` PGlite's files, `{ memory: true }` (default). */
  database?: Db | DbTarget;
  /** Where `*Env` settings are read (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Forward from this process (default true); false only accepts, for a process that only answers pages. */
  forward?: boolean;
  /** The fetch that reaches vendors (tests). */
  fetch?: typeof fetch;
  logger?: Logger;
  /** How often an idle forwarder looks for due rows (ms). */
  pollMs?: number;
  /**
   * How long a claim on outbox rows lasts (default 30 s): a killed process's rows come back after
   * it. The vendor timeout is at most half of it, and a vendor answering after the timeout gets
   * the event again: do not shorten it in production.
   */
  claimMs?: number;
  /** A vendor request not answered by then is retried (default 10 s; kept under claimMs). */
  timeoutMs?: number;
}

/** The relay as a standard fetch handler (contract §9), with what a host needs to run and stop it. */
/** What Node's server passes a fetch handler (@hono/node-server): the connection, for the visitor's address. */
export interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

export interface Relay {
  (request: Request, env?: NodeBindings): Promise<Response>;
  /** Resolves once the database is open and its tables exist. */
  readonly ready: Promise<void>;
  readonly metrics: ReturnType<typeof createMetrics>;
  /** Stops forwarding (waiting for the round in flight) and closes a database it opened. */
  close(): Promise<void>;
}

const isDb = (value: unknown): value is Db => typeof (value as Db | undefined)?.query === 'function';

function cookie(header: string | undefined, name: string): string | undefined {
  const match = header?.match(new RegExp(`(?:^|;\\s*)${name}=([^;]*)`));
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/**
 * `createRelay(config, options)`: checks the config (throws RelayConfigError naming every
 * problem, or a missing variable), opens the database, and returns the fetch handler.
 */
export function createRelay(config: unknown, options: RelayOptions = {}): Relay {
  const setup = loadRelayConfig(config, options.env ?? process.env);
  const log = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  for (const warning of setup.warnings) log.warn({ path: warning.path }, `config: ${warning.message} (the relay does not use it)`);
  if (!setup.relay.origins?.length) log.warn('relay.origins is not set: pages of any origin may send events');
  const { database = { memory: true } } = options;
  const dbReady: Promise<Db> = isDb(database) ? Promise.resolve(database) : openDb(database);
  const db: Db = {
    query: async (sql, params) => (await dbReady).query(sql, params),
    exec: async (script) => (await dbReady).exec(script),
    close: async () => (await dbReady).close(),
  };
  const outbox = createOutbox(db, options.claimMs);
  const receipts = createReceipts(db);
  const ready = outbox.migrate();
  const metrics = createMetrics(() => outbox.depth());
  const targets = new Map<string, Target>();
  const intakes = new Map<string, ReturnType<typeof createIntake>>();
  for (const [id, { destination, api, secrets }] of setup.destinations) {
    targets.set(id, { id, api, settings: destination.settings, secrets });
    intakes.set(id, createIntake(destination, setup.hashTraits));
  }
  const forwarder = createForwarder({
    outbox,
    targets,
    metrics,
    log,
    owner: `relay-${randomUUID()}`,
    fetch: options.fetch,
    pollMs: options.pollMs,
    // A request must end well before its rows' claim does, or another process could send them too.
    timeoutMs: Math.min(options.timeoutMs ?? 10_000, (options.claimMs ?? CLAIM_MS) / 2),
  });
  // Forwarded rows' keys are kept `retentionDays` (a page stops retrying long before), then purged hourly.
  // Receipts past `receiptRetentionDays` (default about three years) go by the same hourly purge.
  const retentionDays = setup.relay.retentionDays ?? 7;
  const receiptDays = setup.relay.receiptRetentionDays ?? 1095;
  const purge = () =>
    void Promise.all([outbox.purge(retentionDays), receipts.purge(receiptDays)]).catch((error: unknown) =>
      log.warn({ err: error }, 'purge failed'),
    );
  let purging: ReturnType<typeof setInterval> | undefined;
  if (options.forward !== false)
    void ready.then(
      () => {
        forwarder.start();
        purge();
        purging = setInterval(purge, 3_600_000);
        purging.unref?.();
      },
      () => undefined,
    );
  const limited = createRateLimit(setup.relay.rateLimit);
  const origins = setup.relay.origins ?? [];

  type Env = { Bindings: NodeBindings };
  const app = new Hono<Env>();
  // The visitor's address: the connection's (none in a bare fetch runtime), or the proxy's header when trusted.
  const address = (c: Pick<Context<Env>, 'req' | 'env'>): string | undefined => {
    const forwarded = setup.relay.trustProxy ? c.req.header('x-forwarded-for')?.split(',')[0]?.trim() : undefined;
    return forwarded || c.env?.incoming?.socket?.remoteAddress || undefined;
  };
  app.use('*', async (c, next) => {
    await next();
    metrics.requests.inc({ status: String(c.res.status) });
  });
  app.get('/healthz', async (c) => {
    try {
      await ready;
      await (await dbReady).query('SELECT 1');
      return c.json({ ok: true });
    } catch {
      return c.json({ ok: false, error: 'database unavailable' }, 503);
    }
  });
  app.get('/metrics', async (c) => c.text(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }));
  // A browser's request names its page's origin; one not listed is refused (a server's has none).
  app.use('/v1/*', async (c, next) => {
    const origin = c.req.header('origin');
    if (origin && origins.length && !origins.includes(origin)) return c.json({ error: `origin ${origin} is not in relay.origins` }, 403);
    return next();
  });
  if (origins.length)
    app.use(
      '/v1/*',
      cors({ origin: origins, allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'], allowHeaders: ['Content-Type'], maxAge: 86_400 }),
    );
  app.use('/v1/*', async (c, next) => {
    const wait = limited(address(c) ?? 'unknown');
    if (wait === undefined) return next();
    return c.json({ error: 'too many requests from this address' }, 429, { 'Retry-After': String(wait) });
  });
  app.post(
    '/v1/batch/:id',
    bodyLimit({ maxSize: MAX_BATCH_BYTES, onError: (c) => c.json({ error: `the body is over ${MAX_BATCH_BYTES} bytes` }, 413) }),
    async (c) => {
      const id = c.req.param('id');
      const admit = intakes.get(id);
      if (!admit) return c.json({ error: `no destination "${id}" in server or both mode` }, 404);
      const body = await c.req.text();
      const parsed = parseBatch(body);
      if ('error' in parsed) return c.json({ error: parsed.error }, 400);
      metrics.received.inc({ destination: id }, parsed.batch.length);
      const { accepted, refused } = await admit(parsed.batch, body.length);
      for (const { reason } of refused) metrics.refused.inc({ destination: id, reason: reasonCode(reason) });
      const fbp = cookie(c.req.header('cookie'), '_fbp');
      const ip = address(c);
      const userAgent = c.req.header('user-agent');
      const client: ClientInfo = { ...(ip ? { ip } : {}), ...(userAgent ? { userAgent } : {}), ...(fbp ? { fbp } : {}) };
      try {
        await ready;
        await outbox.add(id, accepted, client);
      } catch (error) {
        log.error({ err: error, destination: id }, 'could not write a batch');
        return c.json({ error: 'the relay cannot store events right now' }, 503, { 'Retry-After': '5' });
      }
      metrics.accepted.inc({ destination: id }, accepted.length);
      if (accepted.length) forwarder.nudge();
      return c.json({ accepted: accepted.length, refused });
    },
  );
  proofRoutes(app, { receipts, outbox, metrics, log, ready });
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((error, c) => {
    log.error({ err: error }, 'request failed');
    return c.json({ error: 'internal error' }, 500);
  });

  const handler = ((request: Request, env?: NodeBindings) => Promise.resolve(app.fetch(request, env ?? {}))) as Relay;
  return Object.assign(handler, {
    ready,
    metrics,
    async close() {
      clearInterval(purging);
      await forwarder.stop();
      if (!isDb(database)) await (await dbReady).close();
    },
  });
}
