import { describe, expect, test } from 'vitest';
import type { CollectorServer } from './harness';
import { arrived, flush, names, open, ready, run, series, track, until, useWebKit } from './harness';

// Delivery with retries in WebKit (durable.html, fast backoff): the collector fails on demand
// (500, 503, a reset connection); every event still arrives exactly once, with the messageId
// it was first sent with, also when the retry is left to the next page load.
const site = useWebKit();

interface Report {
  type: string;
  code?: string;
  status?: number;
  retry?: boolean;
  messageIds?: string[];
}

const durableUrl = (delivery?: Record<string, number>) =>
  `${site.app.url}/durable.html${delivery ? `?delivery=${encodeURIComponent(JSON.stringify(delivery))}` : ''}`;

const reports = (): Promise<Report[]> => run(site.driver, () => (window as unknown as { reports: Report[] }).reports);

/** Every event arrived once: no duplicate flag, one event per messageId. */
function expectOnceEach(app: CollectorServer): void {
  expect(app.events.filter((e) => e.duplicate)).toEqual([]);
  expect(new Set(app.events.map((e) => e.messageId)).size).toBe(app.events.length);
}

describe('delivery with retries', () => {
  test('500 twice: the batch is retried until it arrives, once, with the same messageIds', async () => {
    const { driver, app } = site;
    app.faults.push({ status: 500 }, { status: 500 });
    await open(driver, durableUrl());
    const sent = series('r500', 5);
    await track(driver, sent);

    const events = await arrived(app, sent);
    expect(names(events)).toEqual(sent);
    expectOnceEach(app);
    expect(app.attempts.map((a) => a.answer)).toEqual([500, 500, 200]);
    const ids = events.map((e) => e.messageId);
    for (const attempt of app.attempts) expect(attempt.messageIds).toEqual(ids);

    await until(async () => (await reports()).filter((r) => r.type === 'error').length === 2, 'two send_failed reports');
    const errors = (await reports()).filter((r) => r.type === 'error');
    for (const error of errors) expect(error).toMatchObject({ code: 'send_failed', status: 500, retry: true, messageIds: ids });
  });

  test('a connection reset, then a 503: network errors are retried too, and nothing is lost or doubled', async () => {
    const { driver, app } = site;
    app.faults.push({ reset: true }, { status: 503 });
    await open(driver, durableUrl());
    const sent = series('reset', 4);
    await track(driver, sent);

    const events = await arrived(app, sent);
    expect(names(events)).toEqual(sent);
    expectOnceEach(app);
    expect(app.attempts.map((a) => a.answer)).toEqual(['reset', 503, 200]);
    for (const attempt of app.attempts) expect(attempt.messageIds).toEqual(events.map((e) => e.messageId));
  });

  test('a batch that failed and waits on a long backoff is sent after a reload, with its messageIds', async () => {
    const { driver, app } = site;
    // A retry 60 s away: only the next page (or the pagehide hand-over) can send it in time.
    const slow = { flushIntervalMs: 100, retryBaseMs: 60_000, maxRetryDelayMs: 60_000 };
    app.faults.push({ status: 503 });
    await open(driver, durableUrl(slow));
    const sent = series('later', 3);
    await track(driver, sent);
    const failed = await until(() => app.attempts.find((a) => a.answer === 503), 'the failed attempt');
    expect(failed.messageIds).toHaveLength(3);

    const reloadedAt = Date.now();
    await driver.navigate().refresh();
    await ready(driver);
    await flush(driver);
    const events = await arrived(app, sent);
    expect(names(events)).toEqual(sent);
    expect(events.map((e) => e.messageId)).toEqual(failed.messageIds);
    expectOnceEach(app);
    // One retry, after the reload: the first page never retried (60 s), and nothing went twice.
    expect(app.attempts.map((a) => a.answer)).toEqual([503, 200]);
    expect(app.attempts[1]!.at).toBeGreaterThanOrEqual(reloadedAt);
  });
});
