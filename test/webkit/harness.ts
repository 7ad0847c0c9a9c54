/// <reference types="node" />
// Shared plumbing for the WebKit tests: one MiniBrowser per test file, a fresh loopback collector
// (so a fresh origin, with empty storage) per test, the page driven with plain scripts, and
// polling instead of sleeping. Tests assert on what reached the collector (`app.events`) and on
// what the page's storage really holds.
import { execFile } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { readStoreEntries } from '../page/read-store';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { WebDriver, WebElement } from 'selenium-webdriver';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createCollectorServer, type CollectorServer, type ReceivedEvent } from '../../demo/collector.mjs';
import { bundle, tcfStub } from '../browser/cmp/bundle';
import { containerFor } from '../browser/container';
import { bannerFile, BANNER_FILES, RECIPE_PATH, recipeHtml } from '../browser/cookieconsent-recipe';
import { startWebKit, type WebKit } from './driver';

export type { CollectorServer, ReceivedEvent } from '../../demo/collector.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** The Playwright suite's fixtures, reused as they are: the collector's root. */
const FIXTURES = resolve(here, '..', 'browser', 'fixtures');
/** Pages only these tests need, served under /webkit/. */
const OWN_FIXTURES = resolve(here, 'fixtures');
// ACQUAINT_DIST points the suite at another build of the runtime (e.g. a sabotaged copy).
const DIST = process.env.ACQUAINT_DIST ? resolve(process.env.ACQUAINT_DIST) : resolve(here, '..', '..', 'dist');
// ACQUAINT_BUILD=container: every page gets, as /acquaint.js, the container `acquaint build`
// makes of that page's own config, and the files it loads later from beside it (as the
// chromium-container and firefox-container Playwright projects do). WebDriver cannot intercept
// requests, so `open` loads a page once without acquaint to read its config, builds, and loads it
// again; the server tells the pages apart by the Referer of their script requests.
const CONTAINER = process.env.ACQUAINT_BUILD === 'container';
const containers = new Map<string, string>();
const SIBLING = /^\/((?:acquaint-[a-z0-9-]+|consent-ui)\.js)$/;
const normal = (url: string): string => new URL(url).href;

export interface Site {
  /** The collector, which also serves the pages, dist/ and the vendor stand-ins. */
  readonly app: CollectorServer;
  readonly driver: WebDriver;
  /** Serves `config` as JSON under a fresh path and returns the path (for `?config=`). */
  config(config: unknown): string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Answers with the script `body` resolves to, or with `failed` and nothing if it rejects. */
function sendScript(res: ServerResponse, body: Promise<string | Buffer>, failed: number): void {
  const headers = { 'Cache-Control': 'no-store' };
  body.then(
    (code) => {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript; charset=utf-8' });
      res.end(code);
    },
    () => {
      res.writeHead(failed, headers);
      res.end('');
    },
  );
}

// The collector answers every request itself; this puts two routes in front of it: configs a
// test made (`/cfg/…`) and test/webkit/fixtures (`/webkit/…`). Playwright's page.route does this
// for the Chromium suite; WebDriver has no request interception.
function withRoutes(app: CollectorServer): Map<string, string> {
  const configs = new Map<string, string>();
  const collector = app.server.listeners('request')[0] as Handler;
  app.server.removeAllListeners('request');
  app.server.on('request', ((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const headers = { 'Cache-Control': 'no-store' };
    const config = req.method === 'GET' ? configs.get(path) : undefined;
    if (config !== undefined) {
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
      res.end(config);
      return;
    }
    if (CONTAINER && req.method === 'GET' && (path === '/acquaint.js' || SIBLING.test(path))) {
      const dir = req.headers.referer ? containers.get(normal(req.headers.referer)) : undefined;
      const name = path === '/acquaint.js' ? 'acquaint.js' : SIBLING.exec(path)![1]!;
      // No container for this page yet: `open` is reading its config (a page without acquaint).
      if (!dir && name === 'acquaint.js') {
        res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript; charset=utf-8' });
        res.end('/* no container for this page yet */');
        return;
      }
      if (dir) {
        // Only what the container wrote beside itself: a runtime asking for more is a bug to see.
        return sendScript(res, readFile(resolve(dir, name)), 404);
      }
    }
    if (req.method === 'GET' && (path === `/webkit${RECIPE_PATH}` || path.startsWith(BANNER_FROM))) return serveRecipe(req, res, path);
    // The TCF CMP fixtures load (test/browser/cmp: the IAB's stub, then @iabtcf/cmpapi's CMP).
    const cmp = /^\/cmp\/(tcf-stub|tcf-cmp)\.js$/.exec(path)?.[1];
    if (req.method === 'GET' && cmp) {
      return sendScript(res, cmp === 'tcf-stub' ? tcfStub() : bundle(cmp), 500);
    }
    const own = /^\/webkit\/([a-z0-9-]+\.(html|js|json))$/.exec(path);
    if (req.method !== 'GET' || !own) return collector(req, res);
    const type = { html: 'text/html', js: 'text/javascript', json: 'application/json' }[own[2] as 'html' | 'js' | 'json'];
    readFile(resolve(OWN_FIXTURES, own[1]!)).then(
      (body) => {
        res.writeHead(200, { ...headers, 'Content-Type': `${type}; charset=utf-8` });
        res.end(body);
      },
      () => {
        res.writeHead(404, headers);
        res.end('Not found');
      },
    );
  }) satisfies Handler);
  return configs;
}

// The vanilla-cookieconsent recipe (test/browser/cookieconsent-recipe.ts): its page at
// /webkit/cookieconsent-page.html (`?consentModeDefault=deny` for that variant), loading the real
// package from node_modules at BANNER_FROM instead of its CDN.
const BANNER_FROM = '/npm/vanilla-cookieconsent@';

function serveRecipe(req: IncomingMessage, res: ServerResponse, path: string): void {
  const headers = { 'Cache-Control': 'no-store' };
  const file = path.split('/').pop() ?? '';
  const reading = path.startsWith(BANNER_FROM)
    ? bannerFile(file)?.then((body) => ({ body, type: BANNER_FILES[file as keyof typeof BANNER_FILES] }))
    : recipeHtml({
        bannerFrom: BANNER_FROM,
        ...(new URL(req.url ?? '/', 'http://x').searchParams.get('consentModeDefault') === 'deny'
          ? { consentModeDefault: 'deny' as const }
          : {}),
      }).then((body) => ({ body, type: 'text/html; charset=utf-8' }));
  (reading ?? Promise.reject(new Error('not a file of the banner'))).then(
    ({ body, type }) => {
      res.writeHead(200, { ...headers, 'Content-Type': type });
      res.end(body);
    },
    () => {
      res.writeHead(404, headers);
      res.end('Not found');
    },
  );
}

/** A self-signed certificate for 127.0.0.1, made by the openssl CLI in a temporary directory. */
async function selfSigned(): Promise<{ key: Buffer; cert: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'acquaint-webkit-tls-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    const args = 'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1'.split(' ');
    await promisify(execFile)('openssl', [...args, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]);
    return { key: await readFile(key), cert: await readFile(cert) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface WebKitOptions {
  /**
   * Serves the site over HTTPS (a certificate made at start, which the session accepts), for
   * what WebKit keeps only from an https origin: it refuses a `Secure` cookie over
   * http://127.0.0.1 although the page is a secure context there. `app.url` is then the https
   * one, answered by the collector's request listeners (wrapped ones too); `app.down()` and
   * `app.up()` act on its plain http port only.
   */
  https?: boolean;
}

/**
 * One MiniBrowser for the test file, and before each test a new collector on a new port: a
 * new origin, so nothing stored by one test (IndexedDB, localStorage) is seen by the next
 * (cookies are kept per host, not per port: a test that sets one removes it).
 * After each test the browser leaves the page (its pagehide beacon goes to the old collector).
 */
export function useWebKit({ https = false }: WebKitOptions = {}): Site {
  let webkit: WebKit | undefined;
  let app: CollectorServer | undefined;
  let tls: { key: Buffer; cert: Buffer } | undefined;
  let secure: HttpsServer | undefined;
  let configs = new Map<string, string>();
  beforeAll(async () => {
    if (https) tls = await selfSigned();
    webkit = await startWebKit({ acceptInsecureCerts: https });
  });
  afterAll(async () => {
    await webkit?.quit();
  });
  beforeEach(async () => {
    const collector = await createCollectorServer({ root: FIXTURES, distDir: DIST, host: '127.0.0.1', port: 0 });
    app = collector;
    configs = withRoutes(collector);
    if (tls) {
      const server = (secure = createHttpsServer(tls, (req, res) => void collector.server.emit('request', req, res)));
      await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
      collector.url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    }
  });
  afterEach(async () => {
    await webkit?.driver.get('about:blank').catch(() => undefined);
    await app?.close();
    app = undefined;
    const server = secure;
    secure = undefined;
    if (server) {
      const closed = new Promise((done) => server.close(done));
      server.closeAllConnections();
      await closed;
    }
  });
  let served = 0;
  return {
    get app() {
      if (!app) throw new Error('no collector outside a test');
      return app;
    },
    get driver() {
      if (!webkit) throw new Error('WebKit not started');
      return webkit.driver;
    },
    config(config) {
      const path = `/cfg/config-${++served}.json`;
      configs.set(path, JSON.stringify(config));
      return path;
    },
  };
}

/**
 * Runs `fn` in the page (its source is sent, so it may use only its arguments and the page's
 * globals) and resolves with its result; a returned promise is awaited by the driver.
 */
export function run<A extends unknown[], R>(driver: WebDriver, fn: (...args: A) => R, ...args: A): Promise<Awaited<R>> {
  return driver.executeScript<Awaited<R>>(`return (${fn.toString()}).apply(null, arguments);`, ...args);
}

/**
 * Polls `fn` (every 50 ms) until it returns something truthy, and resolves with that; fails
 * after `timeout` ms naming `what` and the last value seen.
 */
export async function until<T>(fn: () => T | Promise<T>, what: string, timeout = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let last: T | undefined;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Clicks `element` once it takes a click: one aimed at a control still sliding in may be refused. */
export async function clickWhenReady(element: WebElement, what: string): Promise<void> {
  await until(
    () =>
      element.click().then(
        () => true,
        (error: Error) => {
          if (error.name === 'ElementNotInteractableError' || error.name === 'ElementClickInterceptedError') return false;
          throw error;
        },
      ),
    `${what} to take a click`,
  );
}

/** Waits until the page has `window.acquaint`, then for `acquaint.ready()`. */
/** Waits until the banner has stopped moving (it slides in): a click aimed at a moving button may land beside it. */
export const bannerStill = (driver: WebDriver): Promise<boolean> =>
  until(
    () =>
      run(
        driver,
        () =>
          document
            .querySelector('acquaint-consent')
            ?.shadowRoot?.getAnimations()
            .every((a) => a.playState !== 'running') ?? true,
      ),
    'the banner to stop moving',
  );

export async function ready(driver: WebDriver): Promise<void> {
  await until(() => run(driver, () => window.acquaint !== undefined), 'window.acquaint');
  await run(driver, () => window.acquaint!.ready());
}

/** Opens `url` (on the collector) and waits for `acquaint.ready()`. */
export async function open(driver: WebDriver, url: string): Promise<void> {
  if (CONTAINER && !containers.has(normal(url))) {
    await driver.get(url);
    const text = await run(driver, pageConfig);
    if (text === null) throw new Error(`${url} has no config to build a container from`);
    containers.set(normal(url), await containerFor(text));
    await driver.get('about:blank');
  }
  await driver.get(url);
  await ready(driver);
}

/** In the page: the config the generic runtime would read there, as text. */
function pageConfig(): Promise<string | null> {
  const tag = [...document.scripts].find((script) => /\/acquaint\.js(\?|$)/.test(script.src));
  const url = tag?.getAttribute('data-config');
  if (url) return fetch(url).then((response) => (response.ok ? response.text() : null));
  return Promise.resolve(document.getElementById('acquaint-config')?.textContent ?? null);
}

/** Tracks each name (with `{ i }`) in one task. */
export const track = (driver: WebDriver, names: string[]): Promise<null> =>
  run(driver, (names: string[]) => names.forEach((name, i) => window.acquaint!.track(name, { i })), names).then(() => null);

/** `acquaint.flush()`: resolves once every queued batch was attempted. */
export const flush = (driver: WebDriver): Promise<void> => run(driver, () => window.acquaint!.flush());

/** `prefix_0` … `prefix_${n - 1}`. */
export const series = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}_${i}`);

/** `'page'` for page views, the event name otherwise: a compact view of the order. */
export const names = (events: readonly ReceivedEvent[]): string[] => events.map((e) => (e.type === 'page' ? 'page' : String(e.event)));

/** Events that reached the collector for `destination` (`?dest=`; `collector` when none). */
export const eventsFor = (app: CollectorServer, destination = 'collector'): ReceivedEvent[] =>
  app.events.filter((e) => e.receivedBy === destination);

/** Waits until `expected` (names, any order) all reached `destination`, and returns its events. */
export async function arrived(app: CollectorServer, expected: string[], destination = 'collector'): Promise<ReceivedEvent[]> {
  let missing = expected;
  await until(() => {
    const seen = new Set(names(eventsFor(app, destination)));
    missing = expected.filter((name) => !seen.has(name));
    return missing.length === 0;
  }, `${expected.length} event(s) at ${destination}`).catch((error: Error) => {
    throw new Error(`${error.message}; ${missing.length} missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  });
  return eventsFor(app, destination);
}

/** Names of the IndexedDB databases of the page's origin. */
export const databases = (driver: WebDriver): Promise<string[]> =>
  run(driver, async () => (await indexedDB.databases()).map((db) => db.name ?? '').sort());

/** localStorage keys and cookies of the page's origin. */
export const webStorage = (driver: WebDriver): Promise<{ localStorage: string[]; sessionStorage: string[]; cookie: string }> =>
  run(driver, () => ({
    localStorage: Object.keys(localStorage).sort(),
    sessionStorage: Object.keys(sessionStorage).sort(),
    cookie: document.cookie,
  }));

/**
 * Every value of object store `store` in `database`, read with the raw IndexedDB API, keyed by
 * its key; null when the database or store does not exist (nothing is created to find out).
 */
export const storeEntries = async (driver: WebDriver, database: string, store: string): Promise<Record<string, unknown> | null> => {
  const entries = await run(driver, readStoreEntries, { database, store });
  return entries && Object.fromEntries(entries);
};

export interface User {
  anonymousId: string;
  userId: string | null;
  traits: Record<string, unknown>;
  sessionId: string;
}

export const user = (driver: WebDriver): Promise<User> => run(driver, () => window.acquaint!.user() as User);
