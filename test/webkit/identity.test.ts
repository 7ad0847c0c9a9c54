import type { WebDriver } from 'selenium-webdriver';
import { describe, expect, test } from 'vitest';
import { arrived, databases, flush, open, ready, run, storeEntries, track, until, useWebKit, user, webStorage, type User } from './harness';

// Identity in WebKit (identity.html): with storage consent the visitor is kept in IndexedDB
// (`acquaint-identity`) and is the same after a reload; without it nothing is written and
// every page load is a new visitor.
const site = useWebKit();

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const identityUrl = (analytics: 'granted' | 'pending') => `${site.app.url}/identity.html?analytics=${analytics}`;

/** The profile acquaint stored in IndexedDB, read with the raw API; null when there is none. */
async function storedProfile(driver: WebDriver): Promise<User | null> {
  const entries = await storeEntries(driver, 'acquaint-identity', 'profile');
  return (entries?.profile as User | undefined) ?? null;
}

async function reload(driver: WebDriver): Promise<void> {
  await driver.navigate().refresh();
  await ready(driver);
}

/** Tracks `name`, flushes, and returns the one event the collector received under that name. */
async function sendOne(name: string) {
  await track(site.driver, [name]);
  await flush(site.driver);
  const matching = (await arrived(site.app, [name])).filter((e) => e.event === name);
  expect(matching).toHaveLength(1);
  return matching[0]!;
}

describe('identity across reloads', () => {
  test('with storage consent the anonymousId, userId and traits are the same after a reload', async () => {
    const { driver } = site;
    await open(driver, identityUrl('granted'));
    const first = await user(driver);
    expect(first.anonymousId).toMatch(UUID_V4);
    await run(driver, () => window.acquaint!.identify('user-7', { plan: 'pro' }));
    expect(await sendOne('before_reload')).toMatchObject({ anonymousId: first.anonymousId, userId: 'user-7' });
    const stored = await until(async () => {
      const profile = await storedProfile(driver);
      return profile?.userId === 'user-7' ? profile : null;
    }, 'the profile in IndexedDB');
    expect(stored).toMatchObject({ anonymousId: first.anonymousId, userId: 'user-7', traits: { plan: 'pro' } });

    await reload(driver);
    expect(await user(driver)).toMatchObject({
      anonymousId: first.anonymousId,
      userId: 'user-7',
      traits: { plan: 'pro' },
      sessionId: first.sessionId,
    });
    expect(await sendOne('after_reload')).toMatchObject({ anonymousId: first.anonymousId, userId: 'user-7' });
  });

  test('without storage consent nothing is stored, and a reload is a new visitor', async () => {
    const { driver } = site;
    await open(driver, identityUrl('pending'));
    const first = await user(driver);
    expect(first.anonymousId).toMatch(UUID_V4);
    await run(driver, () => window.acquaint!.identify('user-8'));
    await track(driver, ['held']);
    await flush(driver);
    expect(await databases(driver)).toEqual([]);
    expect(await webStorage(driver)).toEqual({ localStorage: [], sessionStorage: [], cookie: '' });

    await reload(driver);
    const second = await user(driver);
    expect(second.anonymousId).toMatch(UUID_V4);
    expect(second.anonymousId).not.toBe(first.anonymousId);
    expect(second.userId).toBeNull();
    expect(await databases(driver)).toEqual([]);
    expect(site.app.events).toEqual([]);
  });

  test('a grant later stores the visitor of this page, who is the same after a reload', async () => {
    const { driver } = site;
    await open(driver, identityUrl('pending'));
    const first = await user(driver);
    await run(driver, () => window.acquaint!.consent.update({ analytics: 'granted' }));
    await until(async () => (await storedProfile(driver))?.anonymousId === first.anonymousId, 'the in-memory visitor in IndexedDB');

    await reload(driver);
    expect((await user(driver)).anonymousId).toBe(first.anonymousId);
    expect((await sendOne('after_grant')).anonymousId).toBe(first.anonymousId);
  });
});
