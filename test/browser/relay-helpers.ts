/// <reference types="node" />
// For relay.spec.ts: the real relay (dist/relay.mjs, embedded PGlite in a fresh directory) and the
// vendor stand-ins (demo/stand-ins.mjs), one of each per spec file, all on 127.0.0.1; and what the
// page sent to the relay and was answered.
import { test, type Page, type Request } from '@playwright/test';
import { createServer } from 'node:net';
import type { CollectorServer } from '../../demo/collector.mjs';
import { startStandIns, type StandIns } from '../../demo/stand-ins.mjs';
import type { RunningRelay } from '../../src/relay/index';
import type { WireEvent } from './helpers';
import { putRelayBehind, startTestRelay } from './relay-process';

export interface RelaySetup {
  relay: RunningRelay;
  vendors: StandIns;
  /** The page's config, which is also the relay's (contract §9: one tags.json). */
  config: Record<string, unknown>;
}

/** A free port on 127.0.0.1, so that `relay.url` can be in the config the relay starts with. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the stand-ins and a relay whose config `makeConfig` writes (given the relay's URL and the
 * stand-ins), with `env` as its environment; empties the stand-ins before each test.
 */
export function useRelay(
  stand: Parameters<typeof startStandIns>[0],
  env: Record<string, string>,
  makeConfig: (relayUrl: string, vendors: StandIns) => Record<string, unknown>,
): { readonly current: RelaySetup } {
  let setup: (RelaySetup & { stop(): Promise<void> }) | undefined;
  test.beforeAll(async () => {
    // PGlite's first open takes seconds on two cores.
    test.setTimeout(60_000);
    const vendors = await startStandIns(stand);
    const port = await freePort();
    const config = makeConfig(`http://127.0.0.1:${port}`, vendors);
    const { relay, close } = await startTestRelay(config, env, port);
    setup = { relay, vendors, config, stop: close };
  });
  test.afterAll(async () => {
    await setup?.stop();
    await setup?.vendors.close();
  });
  test.beforeEach(() => setup?.vendors.clear());
  return {
    get current() {
      if (!setup) throw new Error('relay not started');
      return setup;
    },
  };
}

declare global {
  interface Window {
    __relaySent?: { url: string; body: string; status?: number; answer?: string }[];
  }
}

/** One batch the page sent the relay, with its answer once there is one. */
export interface RelayRequest {
  /** The destination id in `/v1/batch/<id>`. */
  destination: string;
  events: WireEvent[];
  /** The status the page got (0: a network error); undefined while unanswered. */
  status?: number;
  /** The answer's body as the page could read it. */
  answer?: string;
}

export interface RelayLog {
  /** The requests to the relay, as Playwright saw them (for their headers). */
  requests: Request[];
  /** The batches the page handed fetch for the relay, in order, and what it got back. */
  sent(): Promise<RelayRequest[]>;
  /** The body of the latest request to `url`, for `route.fetch({ postData })`. */
  lastBody(url: string): Promise<string>;
}

/**
 * Lets the page reach the relay (routeVendors aborts other origins; call after it) and records
 * what the page sends it. The bodies are taken in the page, from its fetch: Firefox over
 * WebDriver BiDi gives Playwright no request body (`postData()` is null and `route.fetch()` sends
 * none), so neither can be read from the network there.
 */
export async function watchRelay(page: Page, relayUrl: string): Promise<RelayLog> {
  const requests: Request[] = [];
  await page.route(`${relayUrl}/**`, (route) => route.continue());
  page.on('request', (request) => {
    if (request.url().startsWith(`${relayUrl}/`)) requests.push(request);
  });
  await page.addInitScript((root) => {
    const sent: NonNullable<Window['__relaySent']> = (window.__relaySent = []);
    const native = window.fetch;
    window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      // Batches only: consent receipts go to the relay too (proof.spec.ts follows those).
      const entry: (typeof sent)[number] | undefined = url.startsWith(`${root}/v1/batch/`)
        ? { url, body: typeof init?.body === 'string' ? init.body : '' }
        : undefined;
      if (entry) sent.push(entry);
      const answer = native.call(this, input, init);
      if (entry)
        answer.then(
          async (response) => {
            entry.status = response.status;
            entry.answer = await response.clone().text();
          },
          () => (entry.status = 0),
        );
      return answer;
    };
  }, relayUrl);
  const all = () => page.evaluate(() => window.__relaySent ?? []);
  return {
    requests,
    sent: async () =>
      (await all()).map(({ url, body, status, answer }) => ({
        destination: new URL(url).pathname.split('/').pop()!,
        events: (JSON.parse(body) as { batch: WireEvent[] }).batch,
        status,
        answer,
      })),
    lastBody: async (url) => (await all()).filter((one) => one.url === url).pop()?.body ?? '',
  };
}

/**
 * Puts the relay behind the collector's own origin at `/acquaint` (demo/relay-proxy.mjs), as a
 * site's reverse proxy does, so the page reaches it first-party (its id cookie included).
 * `down = true` makes the proxy answer 502, as nginx does when the relay is not there.
 */
export function relayBehind(collector: { readonly app: CollectorServer }, relay: { readonly current: RelaySetup }): { down: boolean } {
  const state = { down: false };
  test.beforeAll(() =>
    putRelayBehind(
      collector.app.server,
      () => relay.current.relay.url,
      () => state.down,
    ),
  );
  test.beforeEach(() => void (state.down = false));
  return state;
}
