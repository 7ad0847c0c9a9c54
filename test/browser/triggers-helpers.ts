// Shared by the triggers-*.spec.ts files: the config they serve, opening a trigger fixture (each
// embeds acquaint with fixtures/embed-acquaint.js), and waiting for what reached the collector.
import { expect, test, type Page } from '@playwright/test';
import { isContainer, names, type CollectorServer, type ReceivedEvent } from './helpers';
import { serveConfig } from './vendor-helpers';

declare global {
  interface Window {
    __triggersLoaded?: boolean;
  }
}

/** A scroll trigger that fires at the first frame after the triggers started: any first viewport is 1% of its page. */
export const ARMED = { type: 'scroll', percent: [1], event: 'armed' };

export interface TriggerConfigOptions {
  /** The analytics consent default; `granted` unless given. */
  analytics?: 'granted' | 'pending';
  /** `delivery.flushIntervalMs`; 50 unless given. */
  flushIntervalMs?: number;
  /** The http destination's `redact` (default: its own default, on). */
  redact?: boolean;
}

/** A config with consent, fast delivery and one http destination `collector` (/v1/batch), plus `tags` (triggers, tagging, variables, …). */
export function triggerConfig(
  tags: Record<string, unknown>,
  { analytics = 'granted', flushIntervalMs = 50, redact }: TriggerConfigOptions = {},
): Record<string, unknown> {
  return {
    version: 1,
    consent: { defaults: { analytics } },
    delivery: { flushIntervalMs },
    destinations: [
      {
        id: 'collector',
        type: 'http',
        purposes: ['analytics'],
        settings: { url: '/v1/batch' },
        ...(redact === undefined ? {} : { redact }),
      },
    ],
    ...tags,
  };
}

/** Records when acquaint-triggers.js has run: its load event comes after the triggers started. Call before `goto`. */
export async function noteTriggersLoaded(page: Page): Promise<void> {
  await page.addInitScript(() => {
    document.addEventListener(
      'load',
      (event) => {
        const src = (event.target as HTMLScriptElement | null)?.src;
        if (typeof src === 'string' && new URL(src).pathname === '/acquaint-triggers.js') window.__triggersLoaded = true;
      },
      true,
    );
  });
}

/**
 * Waits for `acquaint.ready()` and, with `triggers`, until acquaint-triggers.js has loaded (needs
 * noteTriggersLoaded). A container has its triggers in itself: armed once it is ready.
 */
export async function acquaintReady(page: Page, { triggers = true } = {}): Promise<void> {
  await page.waitForFunction(() => window.acquaint !== undefined);
  await page.evaluate(() => window.acquaint!.ready());
  if (triggers && !isContainer(test.info())) await page.waitForFunction(() => window.__triggersLoaded === true);
}

export interface OpenOptions extends TriggerConfigOptions {
  /** More query parameters for the page (after `config`). */
  query?: Record<string, string>;
}

/**
 * Opens `fixture` (e.g. `/triggers-page.html`) with `triggerConfig(tags, options)` as its
 * `?config=` and waits for `acquaint.ready()` and, when the config has triggers or tagging,
 * until the triggers are armed (acquaint-triggers.js has loaded).
 */
export async function openTriggers(
  page: Page,
  app: CollectorServer,
  fixture: string,
  tags: Record<string, unknown>,
  options: OpenOptions = {},
): Promise<void> {
  const { query = {}, ...configOptions } = options;
  await noteTriggersLoaded(page);
  const path = await serveConfig(page, app, triggerConfig(tags, configOptions), 'triggers');
  await page.goto(`${app.url}${fixture}?${new URLSearchParams({ config: path, ...query }).toString()}`);
  await acquaintReady(page, { triggers: Boolean(tags.triggers || tags.tagging) });
}

/** Waits until the `armed` trigger (ARMED) pushed: the triggers started. */
export async function armed(page: Page): Promise<void> {
  await page.waitForFunction(() => (window.dataLayer as { event?: unknown }[]).some((m) => m.event === 'armed'));
}

/** Tracks `name` one timer turn later (after anything the page scheduled) and flushes. */
export async function marker(page: Page, name = 'marker'): Promise<void> {
  await page.evaluate(async (name) => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    window.acquaint!.track(name);
    await window.acquaint!.flush();
  }, name);
}

/** Waits until the marker `name` reached the collector and returns every event up to it. */
export async function untilMarker(app: CollectorServer, name = 'marker'): Promise<ReceivedEvent[]> {
  await expect
    .poll(() => names(app.events).includes(name), { message: `waiting for ${name} at the collector`, timeout: 10_000 })
    .toBe(true);
  return app.events;
}

/** The events named `event`. */
export const named = (events: readonly ReceivedEvent[], event: string): ReceivedEvent[] => events.filter((e) => e.event === event);

/** Waits until at least `n` events named `event` reached the collector, and returns them all. */
export async function waitForNamed(app: CollectorServer, event: string, n = 1): Promise<[ReceivedEvent, ...ReceivedEvent[]]> {
  await expect
    .poll(() => named(app.events, event).length, { message: `waiting for ${n} ${event} event(s) at the collector`, timeout: 10_000 })
    .toBeGreaterThanOrEqual(n);
  return named(app.events, event) as [ReceivedEvent, ...ReceivedEvent[]];
}

/** The track events, without those named in `without` (e.g. the `armed` helper event). */
export const tracks = (events: readonly ReceivedEvent[], ...without: string[]): ReceivedEvent[] =>
  events.filter((e) => e.type === 'track' && !without.includes(String(e.event)));

/** Waits until at least `n` track events (not counting those named in `without`) reached the collector, and returns them. */
export async function waitForTracks(app: CollectorServer, n: number, ...without: string[]): Promise<ReceivedEvent[]> {
  await expect
    .poll(() => tracks(app.events, ...without).length, { message: `waiting for ${n} track event(s) at the collector`, timeout: 10_000 })
    .toBeGreaterThanOrEqual(n);
  return tracks(app.events, ...without);
}
