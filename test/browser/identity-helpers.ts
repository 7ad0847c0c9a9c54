// Shared by the identity-*.spec.ts files: the identity.html fixture, the visitor as
// `acquaint.user()` reports it, and what the device holds, read with the raw IndexedDB API.
import { expect, type Page } from '@playwright/test';
import { readStoreEntries } from '../page/read-store';
import type { Collectors, ReceivedEvent } from './helpers';

export interface IdentityOptions {
  /** Analytics consent default; `granted` unless given. */
  analytics?: 'granted' | 'pending' | 'denied';
  /** The config's `identity` section. */
  identity?: Record<string, unknown>;
  /** Events pushed to `window.dataLayer` before acquaint loads. */
  early?: string[];
  /** `config.debug`: acquaint's debug lines reach the console. */
  debug?: boolean;
  /** The automatic page view on load (off unless true). */
  autoPage?: boolean;
}

export interface User {
  anonymousId: string;
  userId: string | null;
  traits: Record<string, unknown>;
  sessionId: string;
}

/** A profile as stored in IndexedDB `acquaint-identity` / `profile` / key `profile`. */
export interface StoredProfile extends User {
  lastActivity: number;
  updatedAt: number;
}

/** The URL of test/browser/fixtures/identity.html on `site`, sending to `app`. */
export function identityUrl({ app, site }: Collectors, options: IdentityOptions = {}): string {
  const query = new URLSearchParams();
  if (site !== app) query.set('collector', app.url);
  if (options.analytics) query.set('analytics', options.analytics);
  if (options.identity) query.set('identity', JSON.stringify(options.identity));
  if (options.early?.length) query.set('early', options.early.join(','));
  if (options.debug) query.set('debug', '1');
  if (options.autoPage) query.set('autoPage', '1');
  const search = query.toString();
  return `${site.url}/identity.html${search ? `?${search}` : ''}`;
}

/** Waits for `acquaint.ready()` on a page that is loading or loaded. */
export async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => window.acquaint !== undefined);
  await page.evaluate(() => window.acquaint!.ready());
}

/** Opens identity.html and waits for `acquaint.ready()`. */
export async function openIdentity(page: Page, collectors: Collectors, options: IdentityOptions = {}): Promise<void> {
  await page.goto(identityUrl(collectors, options));
  await ready(page);
}

/** Reloads and waits for `acquaint.ready()`. */
export async function reloadReady(page: Page): Promise<void> {
  await page.reload();
  await ready(page);
}

export const user = (page: Page): Promise<User> => page.evaluate(() => window.acquaint!.user());

export const track = (page: Page, event: string, properties: Record<string, unknown> = {}): Promise<void> =>
  page.evaluate(({ event, properties }) => window.acquaint!.track(event, properties), { event, properties });

export const grant = (page: Page): Promise<void> => page.evaluate(() => window.acquaint!.consent.update({ analytics: 'granted' }));

/** Waits for the one event named `name` at the collector. */
export async function arrived(collectors: Collectors, name: string): Promise<ReceivedEvent> {
  const pick = () => collectors.app.events.filter((e) => e.event === name);
  await expect.poll(() => pick().length, { message: `waiting for ${name} at the collector`, timeout: 10_000 }).toBeGreaterThanOrEqual(1);
  expect(pick(), `${name} arrived once`).toHaveLength(1);
  return pick()[0]!;
}

/** Tracks `name`, flushes, and returns it as the collector received it. */
export async function sendOne(page: Page, collectors: Collectors, name: string): Promise<ReceivedEvent> {
  await track(page, name);
  await page.evaluate(() => window.acquaint!.flush());
  return arrived(collectors, name);
}

/** Names of the IndexedDB databases of the page's origin. */
export const databases = (page: Page): Promise<string[]> =>
  page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? '').sort());

/** localStorage keys starting `acquaint.`. */
export const acquaintKeys = (page: Page): Promise<string[]> =>
  page.evaluate(() =>
    Object.keys(localStorage)
      .filter((key) => key.startsWith('acquaint.'))
      .sort(),
  );

/**
 * Every [key, value] of object store `store` in database `database`, read with the raw API;
 * null when the database or the store does not exist (nothing is created to find out).
 */
export const storeEntries = (page: Page, database: string, store: string): Promise<[string, unknown][] | null> =>
  page.evaluate(readStoreEntries, { database, store });

/** The profile acquaint stored, or null when there is none. */
export async function storedProfile(page: Page): Promise<StoredProfile | null> {
  const entries = await storeEntries(page, 'acquaint-identity', 'profile');
  const found = entries?.find(([key]) => key === 'profile');
  return found ? (found[1] as StoredProfile) : null;
}

/** How many queue records `acquaint-queue` holds (0 when there is no such database). */
export async function queueRecords(page: Page): Promise<number> {
  return (await storeEntries(page, 'acquaint-queue', 'records'))?.length ?? 0;
}

/**
 * An init script: every IndexedDB read (not the opening) answers 300 ms late, so what two tabs
 * do at once overlaps for sure. Without the Web Lock both tabs would read "nothing stored".
 */
export function slowIndexedDbReads(): void {
  const descriptor = Object.getOwnPropertyDescriptor(IDBRequest.prototype, 'onsuccess')!;
  Object.defineProperty(IDBRequest.prototype, 'onsuccess', {
    configurable: true,
    get(this: IDBRequest) {
      return descriptor.get!.call(this) as unknown;
    },
    set(this: IDBRequest, handler: unknown) {
      const late =
        typeof handler === 'function' && !(this instanceof IDBOpenDBRequest)
          ? function (this: IDBRequest, event: Event) {
              setTimeout(() => (handler as (this: IDBRequest, event: Event) => void).call(this, event), 300);
            }
          : handler;
      descriptor.set!.call(this, late);
    },
  });
}
