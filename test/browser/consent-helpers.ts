// Shared by the consent-*.spec.ts files: the consent-page.html fixture, what the page asks of
// the network, and what is stored on the device.
import type { Page } from '@playwright/test';
import type { CollectorServer } from './helpers';

export interface ConsentPageOptions {
  /** data-region on the acquaint tag. */
  region?: string;
  /** false: the same page without acquaint (the storage baseline). */
  acquaint?: boolean;
}

/** The URL of consent-page.html embedding acquaint with `config` (a fixture path like `/consent-storage.json`). */
export function consentPage(app: CollectorServer, config: string, { region, acquaint = true }: ConsentPageOptions = {}): string {
  const query = new URLSearchParams({ config });
  if (region !== undefined) query.set('region', region);
  if (!acquaint) query.set('acquaint', '0');
  return `${app.url}/consent-page.html?${query.toString()}`;
}

/** Opens `url` and waits for `acquaint.ready()`. */
export async function openAndReady(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => window.acquaint !== undefined);
  await page.evaluate(() => window.acquaint!.ready());
}

/** The path (and `?dest=`) of every request the page makes whose path is `pathname`, whatever the transport. */
export function requestsTo(page: Page, pathname: string): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === pathname) seen.push(url.pathname + url.search);
  });
  return seen;
}

/** Every request to the collector endpoint (`/v1/batch`, any destination). */
export const batchRequests = (page: Page): string[] => requestsTo(page, '/v1/batch');

export interface DeviceState {
  cookie: string;
  localStorage: string[];
  sessionStorage: string[];
  indexedDB: string[];
}

/** What this origin has stored on the device, as the page sees it. */
export function deviceState(page: Page): Promise<DeviceState> {
  return page.evaluate(async () => ({
    cookie: document.cookie,
    localStorage: Object.keys(localStorage).sort(),
    sessionStorage: Object.keys(sessionStorage).sort(),
    indexedDB: (await indexedDB.databases()).map((db) => db.name ?? '').sort(),
  }));
}

/** The stored consent record (localStorage `acquaint.consent`), parsed, or null. */
export function storedRecord(page: Page): Promise<unknown> {
  return page.evaluate(() => {
    const text = localStorage.getItem('acquaint.consent');
    return text === null ? null : (JSON.parse(text) as unknown);
  });
}

/** The consent state as the page's acquaint reports it. */
export const consentState = (page: Page): Promise<Record<string, string>> => page.evaluate(() => window.acquaint!.consent.get());

/** `acquaint.consent.update(choices)`, then `flush()`. */
export async function updateAndFlush(page: Page, choices: Record<string, string>): Promise<void> {
  await page.evaluate(async (choices) => {
    window.acquaint!.consent.update(choices);
    await window.acquaint!.flush();
  }, choices);
}

/** The `gtag()` calls (pushed `arguments`) in `window.dataLayer`, as arrays, in order. */
export function gtagCalls(page: Page): Promise<unknown[][]> {
  return page.evaluate(() =>
    (window.dataLayer as unknown[])
      .filter((item) => Object.prototype.toString.call(item) === '[object Arguments]')
      .map((item) => Array.from(item as ArrayLike<unknown>)),
  );
}

/** Tracks `name`, then `acquaint.flush()`; resolves with the `dropped` reports it caused. */
export async function trackAndFlush(page: Page, name: string): Promise<{ destination?: string; reason: string; messageIds: string[] }[]> {
  return page.evaluate(async (name) => {
    const reports: { destination?: string; reason: string; messageIds: string[] }[] = [];
    const off = window.acquaint!.on('dropped', (report) => reports.push(report));
    window.acquaint!.track(name);
    await window.acquaint!.flush();
    off();
    return reports;
  }, name);
}
