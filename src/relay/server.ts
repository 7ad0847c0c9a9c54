import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { createRelay, type Relay } from './relay';

export interface ServeOptions {
  /** The parsed tags.json. */
  config: unknown;
  /** Default `PORT` or 8787 (contract §9); 0 picks a free one. */
  port?: number;
  /** Default `HOST` or 127.0.0.1: the relay sits behind the site's reverse proxy. */
  host?: string;
  /** Default `DATABASE_URL`: a real Postgres, shared by several processes. */
  databaseUrl?: string;
  /** Without a database URL: the embedded PGlite's directory (default ./.acquaint-relay). */
  dataDir?: string;
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  pollMs?: number;
  /** How long a claim on outbox rows lasts (default 30 s). */
  claimMs?: number;
  fetch?: typeof fetch;
}

export interface RunningRelay {
  url: string;
  relay: Relay;
  /** Stops taking requests, finishes the forwarding round in flight, closes the database. */
  close(): Promise<void>;
}

/** `npx acquaint relay tags.json`: the relay on Node's HTTP server, its database open before the first request. */
export async function startRelay(options: ServeOptions): Promise<RunningRelay> {
  const env = options.env ?? process.env;
  const log = options.logger ?? pino({ level: env.LOG_LEVEL ?? 'info' });
  const databaseUrl = options.databaseUrl ?? env.DATABASE_URL;
  const database = databaseUrl ? { url: databaseUrl } : { dir: options.dataDir ?? './.acquaint-relay' };
  const relay = createRelay(options.config, {
    database,
    env,
    logger: log,
    pollMs: options.pollMs,
    claimMs: options.claimMs,
    fetch: options.fetch,
  });
  await relay.ready;
  const port = options.port ?? (env.PORT ? Number(env.PORT) : 8787);
  const host = options.host ?? env.HOST ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: relay, port, hostname: host }, () => resolve(started));
  });
  const { port: bound } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  log.info({ url, database: databaseUrl ? 'postgres' : `pglite ${'dir' in database ? database.dir : ''}` }, 'relay listening');
  return {
    url,
    relay,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections would hold close() open until they time out.
      (server as { closeIdleConnections?(): void }).closeIdleConnections?.();
      await closed;
      await relay.close();
      log.info('relay stopped');
    },
  };
}
