/// <reference types="node" />
// Shared by the vendor-*, rules-* and spa specs: configs made in the test and served to the page,
// the vendor-page.html fixture, the real vendor hosts routed to the recording stand-ins
// (demo/vendor/gtag.js, demo/vendor/fbevents.js), and what the page asked of the network.
import { expect, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import type { CollectorServer, ReceivedEvent } from './helpers';

/** What the stand-ins record in `window.__vendorCalls`. */
export interface VendorCall {
  vendor: 'gtag' | 'fbq';
  args: unknown[];
}

declare global {
  interface Window {
    __vendorCalls?: VendorCall[];
    __widgetCalls?: unknown[][];
    acquaintGtagLayer?: unknown[];
    fbq?: unknown;
    widget?: unknown;
  }
}

export const GTAG_HOST = 'www.googletagmanager.com';
export const FBEVENTS_HOST = 'connect.facebook.net';
/** The files acquaint loads next to itself for the built-in tag types. */
export const CHUNKS = ['/acquaint-ga4.js', '/acquaint-meta-pixel.js', '/acquaint-script.js'];

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
/** An SRI value (`sha384-…`) of some bytes. */
export const sri = (bytes: Buffer | string, algorithm: 'sha256' | 'sha384' | 'sha512' = 'sha384'): string =>
  `${algorithm}-${createHash(algorithm).update(bytes).digest('base64')}`;

/** Every request the page makes, as full URLs, in order (attach before `goto`). */
export interface NetworkLog {
  all: string[];
  /** Requests to the real vendor hosts (googletagmanager.com, connect.facebook.net). */
  vendor(): string[];
  /** Requests for acquaint's own tag files (acquaint-ga4.js, …). */
  chunks(): string[];
  /** Requests whose path is `pathname`. */
  to(pathname: string): string[];
}

export function watchNetwork(page: Page): NetworkLog {
  const all: string[] = [];
  page.on('request', (request) => all.push(request.url()));
  const path = (url: string) => new URL(url).pathname;
  return {
    all,
    vendor: () => all.filter((url) => [GTAG_HOST, FBEVENTS_HOST].includes(new URL(url).hostname)),
    chunks: () => all.filter((url) => CHUNKS.includes(path(url))),
    to: (pathname) => all.filter((url) => path(url) === pathname),
  };
}

/**
 * Routes the real gtag.js and fbevents.js URLs to the collector's stand-ins and aborts every
 * other request that leaves the collector's origin. Call before `page.goto`.
 */
export async function routeVendors(page: Page, app: CollectorServer): Promise<void> {
  const origin = new URL(app.url).origin;
  // Registered first, so the vendor routes below (matched last-registered-first) win.
  await page.route(
    (url) => url.origin !== origin && url.protocol !== 'data:',
    (route) => route.abort('blockedbyclient'),
  );
  const standIn = (file: string) => async (route: import('@playwright/test').Route) => {
    const response = await route.fetch({ url: `${app.url}/vendor/${file}` });
    await route.fulfill({ response, headers: { ...response.headers(), 'access-control-allow-origin': '*' } });
  };
  await page.route(`https://${GTAG_HOST}/**`, standIn('gtag.js'));
  await page.route(`https://${FBEVENTS_HOST}/**`, standIn('fbevents.js'));
}

let served = 0;
/**
 * Serves `config` (a JSON value) to this page under a fresh path and returns the path, for
 * the fixtures' `?config=` (the `data-config` of their acquaint tag).
 */
export async function serveConfig(page: Page, app: CollectorServer, config: unknown, name = 'config'): Promise<string> {
  const path = `/cfg/${name}-${++served}.json`;
  await page.route(`${app.url}${path}`, (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json; charset=utf-8',
      headers: { 'cache-control': 'no-store' },
      body: JSON.stringify(config),
    }),
  );
  return path;
}

export interface VendorPageOptions {
  /** The CSP nonce on the acquaint tag. */
  nonce?: string;
  /** Where the page is (default /vendor-page.html); any other path is served the same fixture. */
  path?: string;
  /** More query parameters (after `config`). */
  query?: Record<string, string>;
}

/**
 * The URL of fixtures/vendor-page.html embedding acquaint with `configPath` (see serveConfig).
 * A `path` other than the fixture's own is routed to the fixture, so a test can open it at
 * /health/… or wherever its rules care about.
 */
export async function vendorPage(page: Page, app: CollectorServer, configPath: string, options: VendorPageOptions = {}): Promise<string> {
  const path = options.path ?? '/vendor-page.html';
  if (path !== '/vendor-page.html') {
    await page.route(`${app.url}${path}*`, async (route) => {
      const response = await route.fetch({ url: `${app.url}/vendor-page.html` });
      await route.fulfill({ response });
    });
  }
  const query = new URLSearchParams({ config: configPath });
  if (options.nonce) query.set('nonce', options.nonce);
  for (const [key, value] of Object.entries(options.query ?? {})) query.set(key, value);
  return `${app.url}${path}?${query.toString()}`;
}

/** Opens `url` and waits for `acquaint.ready()`. */
export async function openVendorPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => window.acquaint !== undefined);
  await page.evaluate(() => window.acquaint!.ready());
}

/** The calls the stand-ins recorded, in order; only `vendor`'s when given. */
export async function vendorCalls(page: Page, vendor?: VendorCall['vendor']): Promise<unknown[][]> {
  const calls = await page.evaluate(() => window.__vendorCalls ?? []);
  return calls.filter((call) => vendor === undefined || call.vendor === vendor).map((call) => call.args);
}

/** Waits until `vendor` has at least `n` recorded calls, and returns them all. */
export async function waitForCalls(page: Page, vendor: VendorCall['vendor'], n: number): Promise<unknown[][]> {
  await expect
    .poll(async () => (await vendorCalls(page, vendor)).length, { message: `waiting for ${n} ${vendor} call(s)`, timeout: 10_000 })
    .toBeGreaterThanOrEqual(n);
  return vendorCalls(page, vendor);
}

/** Waits for a recorded `vendor` call matching `match`, and returns it. */
export async function waitForCall(
  page: Page,
  vendor: VendorCall['vendor'],
  match: (args: unknown[]) => boolean,
  what: string,
): Promise<unknown[]> {
  let found: unknown[] | undefined;
  await expect
    .poll(async () => (found = (await vendorCalls(page, vendor)).find(match)) !== undefined, {
      message: `waiting for ${vendor} ${what}`,
      timeout: 10_000,
    })
    .toBe(true);
  return found!;
}

/** A gtag `event` call's name, or an fbq `track`/`trackCustom` call's event name. */
export const eventCalls = (calls: unknown[][], command: string | string[]): unknown[][] =>
  calls.filter((args) => (Array.isArray(command) ? command : [command]).includes(String(args[0])));

/** Events at the collector for one destination (`?dest=`; `collector` when there is none). */
export const eventsFor = (app: CollectorServer, destination: string): ReceivedEvent[] =>
  app.events.filter((e) => e.receivedBy === destination);

/** `track` in the page, then `flush`. */
export async function trackAndFlush(page: Page, events: [string, Record<string, unknown>?][]): Promise<void> {
  await page.evaluate(async (events) => {
    for (const [name, properties] of events) window.acquaint!.track(name, properties);
    await window.acquaint!.flush();
  }, events);
}

/** Every string anywhere inside `value` (keys and values), for "is this text anywhere" checks. */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => [key, ...strings(item)]);
  return [];
}
