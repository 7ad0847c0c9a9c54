/// <reference types="node" />
// Shared plumbing for the browser specs: one loopback collector per spec file, waiting on what
// reached it, and watching the page's console. Tests assert on the wire: `app.events`.
import { expect, test, type Page } from '@playwright/test';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCollectorServer, type CollectorServer, type ReceivedEvent } from '../../demo/collector.mjs';

export type { BatchBody, CollectorServer, ReceivedEvent, WireEvent } from '../../demo/collector.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = resolve(here, 'fixtures');
// ACQUAINT_DIST points the suite at another build of the runtime (e.g. a candidate in a temp dir).
export const DIST = process.env.ACQUAINT_DIST ? resolve(process.env.ACQUAINT_DIST) : resolve(here, '..', '..', 'dist');

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
  test.beforeEach(async () => {
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
    .poll(() => pick().length, { message: `waiting for ${n} event(s)${receivedBy ? ` for ${receivedBy}` : ''} at the collector`, timeout: 10_000 })
    .toBeGreaterThanOrEqual(n);
  return pick();
}

/** `'page'` for page views, the event name for tracks: a compact view of the order. */
export const names = (events: readonly ReceivedEvent[]): string[] => events.map((e) => (e.type === 'page' ? 'page' : String(e.event)));

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
