/// <reference types="node" />
// The real relay for a WebKit test file (dist/relay.mjs, embedded PGlite in a fresh directory),
// put behind each test's collector at /acquaint as a site's reverse proxy puts it
// (demo/relay-proxy.mjs), so the page reaches it first-party, its id cookie included. What
// test/browser/relay-helpers.ts does for Playwright, with vitest's hooks (that file imports
// Playwright's). Also records what the site was asked, for tests of what leaves the page, and
// starts the vendor stand-ins (demo/stand-ins.mjs) for the config's server-mode destinations.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { forRelay } from '../../demo/relay-proxy.mjs';
import { startStandIns, type StandIns } from '../../demo/stand-ins.mjs';
import { putRelayBehind, relayMetric, startTestRelay, type TestRelay } from '../browser/relay-process';
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

/**
 * Starts the stand-ins and the relay with the config `makeConfig` writes for them (the page's
 * config is also the relay's: contract §9) for the test file, and before each test puts the relay
 * behind `site`'s collector at /acquaint. Call after `useWebKit`, so its collector exists when
 * this wraps it.
 */
export function useRelay(site: Site, makeConfig: (vendors: StandIns) => Record<string, unknown>): RelayBehind {
  let running: TestRelay | undefined;
  let vendors: StandIns | undefined;
  let requests: SiteRequest[] = [];
  let down = false;
  // PGlite's first open takes seconds on two cores.
  beforeAll(async () => {
    vendors = await startStandIns();
    running = await startTestRelay(makeConfig(vendors), {});
  }, 120_000);
  afterAll(async () => {
    await running?.close();
    await vendors?.close();
  });
  beforeEach(() => {
    const log: SiteRequest[] = (requests = []);
    down = false;
    vendors?.setFault();
    vendors?.clear();
    putRelayBehind(
      site.app.server,
      url,
      () => down,
      (req, path) => {
        const idCookie = forRelay(path) ? /(?:^|;\s*)acquaint_id=([^;]*)/.exec(req.headers.cookie ?? '')?.[1] : undefined;
        log.push({ method: req.method ?? '', path, ...(idCookie === undefined ? {} : { idCookie }) });
      },
    );
  });
  const url = () => {
    if (!running) throw new Error('relay not started');
    return running.relay.url;
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
    metric: (name, labels) => relayMetric(url(), name, labels),
  };
}
