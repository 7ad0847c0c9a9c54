/// <reference types="node" />
// The real relay for the browser suites, without a test framework (Playwright's relay-helpers.ts
// and WebKit's test/webkit/relay.ts wrap it in their own hooks): dist/relay.mjs on embedded
// PGlite in a fresh directory, put behind a site's server at /acquaint as a reverse proxy puts it
// (demo/relay-proxy.mjs), and what the tests read back from it.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { forRelay, proxyToRelay } from '../../demo/relay-proxy.mjs';
import type { Receipt } from '../../src/proof/receipts';
import type { RunningRelay, ServeOptions } from '../../src/relay/index';
import { DIST } from './dist';

export interface TestRelay {
  relay: RunningRelay;
  /** Stops the relay and removes its database directory. */
  close(): Promise<void>;
}

/** Starts dist/relay.mjs with `config` on `port` (0: a free one), its database in a fresh temporary directory. PGlite's first open takes seconds. */
export async function startTestRelay(config: Record<string, unknown>, env: Record<string, string>, port = 0): Promise<TestRelay> {
  const { startRelay } = (await import(pathToFileURL(join(DIST, 'relay.mjs')).href)) as {
    startRelay(options: ServeOptions): Promise<RunningRelay>;
  };
  const dataDir = await mkdtemp(join(tmpdir(), 'acquaint-test-relay-'));
  try {
    const relay = await startRelay({ config, port, host: '127.0.0.1', dataDir, env, logger: pino({ level: 'silent' }), pollMs: 100 });
    return {
      relay,
      close: async () => {
        await relay.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Puts the relay at `relayUrl()` behind `server` at /acquaint, in front of its own handler.
 * `down()`: the proxy answers 502, as nginx does when the relay is not there; `seen` hears each
 * request first.
 */
export function putRelayBehind(
  server: Server,
  relayUrl: () => string,
  down: () => boolean,
  seen?: (req: IncomingMessage, path: string) => void,
): void {
  const [own] = server.listeners('request') as Handler[];
  server.removeAllListeners('request');
  server.on('request', ((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    seen?.(req, path);
    if (!forRelay(path)) return own!(req, res);
    if (!down()) return void proxyToRelay(req, res, relayUrl());
    res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end('{"error":"bad gateway"}');
  }) satisfies Handler);
}

/** A sample of the relay's /metrics, summed over its series whose labels include `labels`; 0 if it has none. */
export async function relayMetric(relayUrl: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${relayUrl}/metrics`)).text();
  let sum = 0;
  for (const [, metricName, series = '', value] of text.matchAll(/^(\w+)(\{[^}]*\})? (\S+)$/gm))
    if (metricName === name && series.includes(labels)) sum += Number(value);
  return sum;
}

/** A receipt as the relay answers it in a chain. */
export type StoredReceipt = Receipt & { receivedAt: string };

/** `GET <relay>/v1/consent/<id>` from Node: the answer's status and the chain (oldest first). */
export async function receiptChain(relayUrl: string, id: string): Promise<{ status: number; receipts: StoredReceipt[] }> {
  const response = await fetch(`${relayUrl}/v1/consent/${id}`);
  const receipts = response.ok ? ((await response.json()) as { receipts: StoredReceipt[] }).receipts : [];
  return { status: response.status, receipts };
}
