import { describe, expect, test } from 'vitest';
import type { CollectorServer } from './harness';
import { arrived, flush, names, open, run, series, until, useWebKit } from './harness';

// The unload path in WebKit: with a flush interval longer than any test, only the pagehide
// hand-over (sendBeacon, or fetch with keepalive) can send what was tracked right before the
// page is left. blank.html has no acquaint, so no next page can send it instead.
const site = useWebKit();

const SLOW = { flushIntervalMs: 60_000, retryBaseMs: 50, maxRetryDelayMs: 200 };
const CHUNK = 60 * 1024;

const durableUrl = () => `${site.app.url}/durable.html?delivery=${encodeURIComponent(JSON.stringify(SLOW))}`;

/** Tracks `name_0` … with `{ i, ...extra }` in one task, as a page does right before a link is followed. */
async function trackMany(prefix: string, n: number, extra: Record<string, unknown> = {}): Promise<string[]> {
  await run(
    site.driver,
    (prefix: string, n: number, extra: Record<string, unknown>) => {
      for (let i = 0; i < n; i++) window.acquaint!.track(`${prefix}_${i}`, { i, ...extra });
    },
    prefix,
    n,
    extra,
  );
  return series(prefix, n);
}

/** Whether a read-only transaction on one of acquaint's databases completes within 3 s. */
const readable = (database: 'acquaint-queue' | 'acquaint-identity'): Promise<boolean> =>
  run(
    site.driver,
    (database: string, store: string) =>
      Promise.race([
        new Promise<boolean>((resolve) => {
          const request = indexedDB.open(database);
          request.onerror = () => resolve(false);
          request.onsuccess = () => {
            const db = request.result;
            const count = db.transaction(store, 'readonly').objectStore(store).count();
            count.onsuccess = () => {
              db.close();
              resolve(true);
            };
            count.onerror = () => resolve(false);
          };
        }),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000)),
      ]),
    database,
    database === 'acquaint-queue' ? 'records' : 'profile',
  );
const queueReadable = () => readable('acquaint-queue');

function expectOnceEach(app: CollectorServer): void {
  expect(app.events.filter((e) => e.duplicate)).toEqual([]);
  expect(new Set(app.events.map((e) => e.messageId)).size).toBe(app.events.length);
}

describe('the unload path', () => {
  test('20 events tracked right before the page is left all arrive, once each, in beacon-sized requests', async () => {
    const { driver, app } = site;
    await open(driver, durableUrl());
    const sent = await trackMany('leave', 20);
    expect(app.requests).toBe(0);
    await driver.get(`${app.url}/blank.html`);

    const events = await arrived(app, sent);
    expect(names(events)).toEqual(sent);
    expectOnceEach(app);
    for (const attempt of app.attempts) expect(attempt.bytes).toBeLessThanOrEqual(CHUNK);
  });

  test('leaving for another page of the site: the 20 arrive once, and the queue database of the next page is not left stuck', async () => {
    const { driver, app } = site;
    await open(driver, durableUrl());
    const sent = await trackMany('next', 20);
    // Another URL: a page of the site, not a reload (which never enters the back/forward cache).
    await open(driver, `${durableUrl()}&page=2`);
    expect(names(await arrived(app, sent))).toEqual(sent);

    // The next page stores and sends its own events, and its IndexedDB transactions complete:
    // one that the left page began in pagehide would hang them (WebKit freezes it in the
    // back/forward cache).
    expect(await queueReadable()).toBe(true);
    const more = await trackMany('more', 3);
    await flush(driver);
    await arrived(app, more);
    expect(await queueReadable()).toBe(true);
    expectOnceEach(app);
  });

  test("events the site tracks in its own pagehide listeners arrive once, and the next page's databases are not left stuck", async () => {
    const { driver, app } = site;
    await open(driver, durableUrl());
    await run(driver, () => {
      // Time-on-page and "left" events: a listener that runs before acquaint's own (capture), one after.
      addEventListener('pagehide', () => window.acquaint!.track('left_before', {}), true);
      addEventListener('pagehide', () => window.acquaint!.track('left_after', {}));
    });
    await open(driver, `${durableUrl()}&page=2`);
    const left = ['left_before', 'left_after'];
    expect(
      names(await arrived(app, left))
        .filter((name) => left.includes(name))
        .sort(),
    ).toEqual([...left].sort());
    expect(await readable('acquaint-queue')).toBe(true);
    expect(await readable('acquaint-identity')).toBe(true);
    const more = await trackMany('more', 3);
    await flush(driver);
    await arrived(app, more);
    expectOnceEach(app);
  });

  test('in memory only (storage not allowed), events tracked before leaving arrive by the unload hand-over', async () => {
    const { driver, app } = site;
    const config = {
      version: 1,
      autoPage: false,
      consent: { defaults: { analytics: 'granted', personalization: 'denied' }, storagePurposes: ['personalization'] },
      delivery: SLOW,
      destinations: [{ id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } }],
    };
    await open(driver, `${app.url}/vendor-page.html?config=${site.config(config)}`);
    const sent = await trackMany('memory', 5);
    expect(await run(driver, async () => (await indexedDB.databases()).length)).toBe(0);
    await driver.get(`${app.url}/blank.html`);

    expect(names(await arrived(app, sent))).toEqual(sent);
    expectOnceEach(app);
  });

  test('a queue larger than one beacon leaves in chunks of at most 60 KB; the next page of the site sends the rest', async () => {
    const { driver, app } = site;
    await open(driver, durableUrl());
    const padding = 'x'.repeat(1500);
    const sent = await trackMany('big', 120, { padding }); // ~200 KB: more than the 64 KB beacon budget
    await driver.get(`${app.url}/blank.html`);
    await until(() => app.requests > 0, 'the unload beacon');
    for (const attempt of app.attempts) expect(attempt.bytes).toBeLessThanOrEqual(CHUNK);

    await open(driver, durableUrl());
    await flush(driver);
    const events = await arrived(app, sent);
    expect([...names(events)].sort()).toEqual([...sent].sort());
    expectOnceEach(app);
    expect(events.every((e) => e.properties.padding === padding)).toBe(true);
  });

  test('events tracked right before the tab is closed arrive', async () => {
    const { driver, app } = site;
    const first = await driver.getWindowHandle();
    await driver.switchTo().newWindow('tab');
    const second = await driver.getWindowHandle();
    await driver.switchTo().window(first);
    await open(driver, durableUrl());
    const sent = await trackMany('close', 5);
    await driver.close();
    await driver.switchTo().window(second);

    expect(names(await arrived(app, sent))).toEqual(sent);
    expectOnceEach(app);
  });
});
