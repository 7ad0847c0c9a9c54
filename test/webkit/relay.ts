/// <reference types="node" />
// The real relay for a WebKit test file (dist/relay.mjs, embedded PGlite in a fresh directory),
// put behind each test's collector at /acquaint as a site's reverse proxy puts it
// (demo/relay-proxy.mjs), so the page reaches it first-party, its id cookie included. What
// test/browser/relay-helpers.ts does for Playwright, with vitest's hooks (that file imports
// Playwright's). Also records what the site was asked, for tests of what leaves the page, and
// starts the vendor stand-ins (demo/stand-ins.mjs) for the config's server-mode destinations.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { forRelay, proxyToRelay } from '../../demo/relay-proxy.mjs';
import { startStandIns, type StandIns } from '../../demo/stand-ins.mjs';
import type { RunningRelay, ServeOptions } from '../../src/relay/index';
import { DIST } from '../browser/dist';
import type { Site } from './harness';

/** One request the site's server received. */
export interface SiteRequest {
  method: string;
  path: string;
  /** For the relay's paths: the `acquaint_id` cookie the request carried, if any. */
  idCookie?: string;
}

export interface RelayBehind {
  /** The relay's own URL, for Node (e.g. `GET <url>/v1/consent/<id>`). */
  readonly url: string;
  /** Every request the site's server received in this test, in order of arrival. */
  readonly requests: readonly SiteRequest[];
  /** The vendors the relay forwards to (no fault and nothing received at the start of each test). */
  readonly vendors: StandIns;
  /** `true`: the site's proxy answers 502 for /acquaint, as nginx does without the relay (reset before each test). */
  down: boolean;
  /** A sample of the relay's /metrics, summed over its series whose labels include `labels`; 0 if it has none. */
  metric(name: string, labels?: string): Promise<number>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Starts the stand-ins and the relay with the config `makeConfig` writes for them (the page's
 * config is also the relay's: contract §9) for the test file, and before each test puts the relay
 * behind `site`'s collector at /acquaint. Call after `useWebKit`, so its collector exists when
 * this wraps it.
 */
export function useRelay(site: Site, makeConfig: (vendors: StandIns) => Record<string, unknown>): RelayBehind {
  let running: RunningRelay | undefined;
  let vendors: StandIns | undefined;
  let dataDir = '';
  let requests: SiteRequest[] = [];
  let down = false;
  // PGlite's first open takes seconds on two cores.
  beforeAll(async () => {
    const { startRelay } = (await import(pathToFileURL(join(DIST, 'relay.mjs')).href)) as {
      startRelay(options: ServeOptions): Promise<RunningRelay>;
    };
    dataDir = await mkdtemp(join(tmpdir(), 'acquaint-webkit-relay-'));
    vendors = await startStandIns();
    const config = makeConfig(vendors);
    running = await startRelay({ config, port: 0, host: '127.0.0.1', dataDir, env: {}, logger: pino({ level: 'silent' }), pollMs: 100 });
  }, 120_000);
  afterAll(async () => {
    await running?.close();
    await vendors?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    const log: SiteRequest[] = (requests = []);
    down = false;
    vendors?.setFault();
    vendors?.clear();
    const { server } = site.app;
    const [own] = server.listeners('request') as Handler[];
    server.removeAllListeners('request');
    server.on('request', ((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (!forRelay(path)) {
        log.push({ method: req.method ?? '', path });
        return own!(req, res);
      }
      const idCookie = /(?:^|;\s*)acquaint_id=([^;]*)/.exec(req.headers.cookie ?? '')?.[1];
      log.push({ method: req.method ?? '', path, ...(idCookie === undefined ? {} : { idCookie }) });
      if (!down) return void proxyToRelay(req, res, url());
      res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end('{"error":"bad gateway"}');
    }) satisfies Handler);
  });
  const url = () => {
    if (!running) throw new Error('relay not started');
    return running.url;
  };
  return {
    get url() {
      return url();
    },
    get requests() {
      return requests;
    },
    get vendors() {
      if (!vendors) throw new Error('stand-ins not started');
      return vendors;
    },
    get down() {
      return down;
    },
    set down(value) {
      down = value;
    },
    async metric(name, labels = '') {
      const text = await (await fetch(`${url()}/metrics`)).text();
      let sum = 0;
      for (const [, metricName, series = '', value] of text.matchAll(/^(\w+)(\{[^}]*\})? (\S+)$/gm))
        if (metricName === name && series.includes(labels)) sum += Number(value);
      return sum;
    },
  };
}
