/// <reference types="node" />
// Shared plumbing for the browser specs: one loopback collector per spec file, waiting on what
// reached it, and watching the page's console. Tests assert on the wire: `app.events`.
import { expect, test, type Page } from '@playwright/test';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCollectorServer, type CollectorServer, type ReceivedEvent } from '../../demo/collector.mjs';

export type { Attempt, BatchBody, CollectorServer, Fault, ReceivedEvent, WireEvent } from '../../demo/collector.mjs';

import { routeContainers, isContainer } from './container';
import { DIST } from './dist';

export { DIST };
export { isContainer };

/** Skips the running test in a `*-container` project: it is about what only the generic runtime does. */
export function genericOnly(why: string): void {
  test.skip(isContainer(test.info()), `generic build only: ${why}`);
}
const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = resolve(here, 'fixtures');

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Starts a collector serving test/browser/fixtures and dist/ for this spec file, empties it
 * before each test, and after each test flushes what the page still queues so a late
 * pagehide beacon cannot spill into the next test.
 */
export function useCollector(): { readonly app: CollectorServer } {
  let app: CollectorServer | undefined;
  test.beforeAll(async () => {
    app = await createCollectorServer({ root: FIXTURES, distDir: DIST, host: '127.0.0.1', port: 0 });
  });
  test.afterAll(async () => {
    await app?.close();
  });
  test.beforeEach(async ({ context }, info) => {
    if (isContainer(info)) await routeContainers(context);
    const response = await fetch(`${current().url}/collector/clear`, { method: 'POST' });
    expect(response.ok).toBe(true);
  });
  test.afterEach(async ({ page }) => {
    await page.evaluate(() => window.acquaint?.flush()).catch(() => undefined);
  });
  const current = (): CollectorServer => {
    if (!app) throw new Error('collector not started: call useCollector() at the top of the spec file');
    return app;
  };
  return {
    get app() {
      return current();
    },
  };
}

/** Waits until at least `n` events (optionally for one `receivedBy`) reached the collector. */
export async function waitForEvents(app: CollectorServer, n: number, receivedBy?: string): Promise<ReceivedEvent[]> {
  const pick = () => app.events.filter((e) => receivedBy === undefined || e.receivedBy === receivedBy);
  await expect
    .poll(() => pick().length, {
      message: `waiting for ${n} event(s)${receivedBy ? ` for ${receivedBy}` : ''} at the collector`,
      timeout: 10_000,
    })
    .toBeGreaterThanOrEqual(n);
  return pick();
}

/** `'page'` for page views, the event name for tracks: a compact view of the order. */
export const names = (events: readonly ReceivedEvent[]): string[] => events.map((e) => (e.type === 'page' ? 'page' : String(e.event)));

/** An `http` destination for analytics that posts to the collector as `dest=<id>`, with `rules` added. */
export const http = (id: string, rules: Record<string, unknown> = {}) => ({
  id,
  type: 'http',
  purposes: ['analytics'],
  settings: { url: `/v1/batch?dest=${id}` },
  ...rules,
});

/** Opens a fixture and waits for `acquaint.ready()`. */
export async function openReady(page: Page, app: CollectorServer, path: string): Promise<void> {
  await page.goto(app.url + path);
  await page.waitForFunction(() => window.acquaint !== undefined);
  await page.evaluate(() => window.acquaint!.ready());
}

/** `acquaint.flush()` in the page: resolves once every queued batch was attempted. */
export async function flush(page: Page): Promise<void> {
  await page.evaluate(() => window.acquaint!.flush());
}

export interface PageLog {
  /** console.error texts, without Chromium's own "Failed to load resource" network lines. */
  errors: string[];
  warnings: string[];
  /** Uncaught exceptions and unhandled rejections in the page. */
  pageErrors: string[];
}

/** Records the page's console and uncaught errors; call before `page.goto`. */
export function watchPage(page: Page): PageLog {
  const log: PageLog = { errors: [], warnings: [], pageErrors: [] };
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && !text.startsWith('Failed to load resource')) log.errors.push(text);
    if (message.type() === 'warning') log.warnings.push(text);
  });
  page.on('pageerror', (error) => log.pageErrors.push(`${error.name}: ${error.message}`));
  return log;
}

// ---- Durable delivery: a collector that fails on demand, and the durable.html fixture ----

/** One report `durable.html` recorded from `acquaint.on('delivered' | 'dropped' | 'error')`. */
export interface DeliveryReport {
  type: 'delivered' | 'dropped' | 'error';
  /** `Date.now()` in the page when it was reported. */
  at: number;
  destination?: string;
  messageIds?: string[];
  reason?: string;
  code?: string;
  message?: string;
  status?: number;
  retry?: boolean;
}

declare global {
  interface Window {
    reports?: DeliveryReport[];
  }
}

export interface Collectors {
  /** The collector the page sends to: script its answers with `app.faults`, `app.down()`. */
  readonly app: CollectorServer;
  /** The server of the pages: `app` itself, or one that stays up while `app` is down. */
  readonly site: CollectorServer;
}

/**
 * Like useCollector(), for tests that break the collector. With `separateSite` the pages come
 * from a second server (another origin), so a page can load or reload while `app` is down.
 * After each test the collector is healthy again and the page flushed.
 */
export function useFaultyCollector({ separateSite = false } = {}): Collectors {
  let app: CollectorServer | undefined;
  let site: CollectorServer | undefined;
  test.beforeAll(async () => {
    app = await createCollectorServer({ root: FIXTURES, distDir: DIST, host: '127.0.0.1', port: 0 });
    site = separateSite ? await createCollectorServer({ root: FIXTURES, distDir: DIST, host: '127.0.0.1', port: 0 }) : app;
  });
  test.afterAll(async () => {
    await app?.close();
    if (site !== app) await site?.close();
  });
  test.beforeEach(async ({ context }, info) => {
    if (isContainer(info)) await routeContainers(context);
    const response = await fetch(`${current().app.url}/collector/clear`, { method: 'POST' });
    expect(response.ok).toBe(true);
  });
  test.afterEach(async ({ page }) => {
    const { app } = current();
    app.faults.length = 0;
    await app.up();
    // Bounded: a test may leave a page whose queue waits on a long backoff.
    await page
      .evaluate(() => Promise.race([window.acquaint?.flush(), new Promise((resolve) => setTimeout(resolve, 3000))]))
      .catch(() => undefined);
  });
  const current = () => {
    if (!app || !site) throw new Error('collector not started: call useFaultyCollector() at the top of the spec file');
    return { app, site };
  };
  return {
    get app() {
      return current().app;
    },
    get site() {
      return current().site;
    },
  };
}

export interface DurableOptions {
  /** Analytics consent default; `granted` unless given. */
  analytics?: 'granted' | 'pending' | 'denied';
  /** Top-level `delivery` settings; the fixture's default is fast retries. */
  delivery?: Record<string, number>;
  /** The http destination's `timeoutMs`. */
  timeoutMs?: number;
  /** Several destinations (each posts to `/v1/batch?dest=ID`), with their own `delivery`. */
  destinations?: { id: string; delivery?: Record<string, number> }[];
}

/** The URL of test/browser/fixtures/durable.html on `site`, sending to `app`. */
export function durableUrl({ app, site }: Collectors, options: DurableOptions = {}): string {
  const query = new URLSearchParams();
  if (site !== app) query.set('collector', app.url);
  if (options.analytics) query.set('analytics', options.analytics);
  if (options.delivery) query.set('delivery', JSON.stringify(options.delivery));
  if (options.timeoutMs !== undefined) query.set('timeoutMs', String(options.timeoutMs));
  if (options.destinations) query.set('destinations', JSON.stringify(options.destinations));
  const search = query.toString();
  return `${site.url}/durable.html${search ? `?${search}` : ''}`;
}

/** Opens durable.html and waits for `acquaint.ready()`. */
export async function openDurable(page: Page, collectors: Collectors, options: DurableOptions = {}): Promise<void> {
  await page.goto(durableUrl(collectors, options));
  await page.waitForFunction(() => window.acquaint !== undefined);
  await page.evaluate(() => window.acquaint!.ready());
}

/** Tracks `${prefix}_0` … `${prefix}_${n - 1}` with `{ i }` (and `extra`) in one task. */
export async function trackMany(page: Page, prefix: string, n: number, extra: Record<string, unknown> = {}): Promise<string[]> {
  await page.evaluate(
    ({ prefix, n, extra }) => {
      for (let i = 0; i < n; i++) window.acquaint!.track(`${prefix}_${i}`, { i, ...extra });
    },
    { prefix, n, extra },
  );
  return Array.from({ length: n }, (_, i) => `${prefix}_${i}`);
}

/** The reports durable.html recorded so far. */
export async function reportsOf(page: Page): Promise<DeliveryReport[]> {
  return page.evaluate(() => window.reports ?? []);
}

/** Waits for a report whose fields equal every (primitive) field of `match`. */
export async function waitForReport(page: Page, match: Partial<Omit<DeliveryReport, 'messageIds'>>): Promise<DeliveryReport> {
  const handle = await page.waitForFunction(
    (match) =>
      (window.reports ?? []).find((r) => Object.entries(match).every(([k, v]) => (r as unknown as Record<string, unknown>)[k] === v)),
    match,
    { timeout: 10_000 },
  );
  return (await handle.jsonValue()) as DeliveryReport;
}

/** Events at the collector whose names start with `${prefix}_`. */
export const withPrefix = (app: CollectorServer, prefix: string): ReceivedEvent[] =>
  app.events.filter((e) => typeof e.event === 'string' && e.event.startsWith(`${prefix}_`));

/** Waits until `n` events named `${prefix}_…` reached the collector. */
export async function waitForPrefix(app: CollectorServer, prefix: string, n: number, timeout = 10_000): Promise<ReceivedEvent[]> {
  await expect
    .poll(() => withPrefix(app, prefix).length, { message: `waiting for ${n} ${prefix}_* event(s) at the collector`, timeout })
    .toBeGreaterThanOrEqual(n);
  return withPrefix(app, prefix);
}
