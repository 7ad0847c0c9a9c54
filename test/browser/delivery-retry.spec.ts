import { expect, test } from '@playwright/test';
import { flush, openDurable, reportsOf, trackMany, useFaultyCollector, waitForPrefix, waitForReport, withPrefix } from './helpers';

// Issue 5, retries: failed sends retry with backoff (5xx, 429, timeouts, network errors) and
// keep their messageIds; other 4xx drop the batch once. The collector fails on demand.
const collectors = useFaultyCollector();

test.describe('delivery retries', () => {
  test('503 for the first two requests: the batch is retried until it arrives once, with the same messageIds', async ({ page }) => {
    const { app } = collectors;
    app.faults.push({ status: 503 }, { status: 503 });
    await openDurable(page, collectors);
    const sent = await trackMany(page, 'r503', 5);

    const events = await waitForPrefix(app, 'r503', 5);
    expect(events.map((e) => e.event)).toEqual(sent);
    expect(events.filter((e) => e.duplicate)).toEqual([]);
    const ids = events.map((e) => e.messageId);
    expect(app.attempts.map((a) => a.answer)).toEqual([503, 503, 200]);
    for (const attempt of app.attempts) expect(attempt.messageIds).toEqual(ids);

    await waitForReport(page, { type: 'delivered' });
    const reports = await reportsOf(page);
    const errors = reports.filter((r) => r.type === 'error');
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toMatchObject({ code: 'send_failed', destination: 'collector', status: 503, retry: true, messageIds: ids });
      expect(typeof error.message).toBe('string');
    }
    expect(reports.filter((r) => r.type === 'delivered')).toEqual([expect.objectContaining({ destination: 'collector', messageIds: ids })]);
    expect(reports.filter((r) => r.type === 'dropped')).toEqual([]);
  });

  test('429 with Retry-After: 1 holds the next attempt back for at least a second', async ({ page }) => {
    const { app } = collectors;
    // Without Retry-After the next attempt would come within ~50-100 ms (retryBaseMs 50).
    app.faults.push({ status: 429, headers: { 'Retry-After': '1' } });
    await openDurable(page, collectors, { delivery: { flushIntervalMs: 100, retryBaseMs: 50, maxRetryDelayMs: 5000 } });
    await trackMany(page, 'r429', 3);

    await waitForPrefix(app, 'r429', 3);
    expect(app.attempts.map((a) => a.answer)).toEqual([429, 200]);
    const gap = app.attempts[1]!.at - app.attempts[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(4000);
    expect(await waitForReport(page, { type: 'error', status: 429 })).toMatchObject({ code: 'send_failed', retry: true });
  });

  test('429 with Retry-After as an HTTP date holds the next attempt back until that date', async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors, { delivery: { flushIntervalMs: 100, retryBaseMs: 50, maxRetryDelayMs: 10_000 } });
    // HTTP dates have whole seconds: now + 3 s, rounded down, is at least 2 s away.
    const until = new Date(Date.now() + 3000).toUTCString();
    app.faults.push({ status: 429, headers: { 'Retry-After': until } });
    await trackMany(page, 'rdate', 2);

    await waitForPrefix(app, 'rdate', 2);
    expect(app.attempts.map((a) => a.answer)).toEqual([429, 200]);
    expect(app.attempts[1]!.at).toBeGreaterThanOrEqual(Date.parse(until) - 100);
    expect(app.attempts[1]!.at - app.attempts[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  test('a request that hangs beyond timeoutMs is aborted and retried', async ({ page }) => {
    const { app } = collectors;
    app.faults.push({ hang: true });
    await openDurable(page, collectors, { timeoutMs: 300 });
    await trackMany(page, 'hang', 3);

    const events = await waitForPrefix(app, 'hang', 3);
    expect(events.filter((e) => e.duplicate)).toEqual([]);
    expect(app.attempts.map((a) => a.answer)).toEqual(['hang', 200]);
    expect(app.attempts[0]!.messageIds).toEqual(app.attempts[1]!.messageIds);
    const error = await waitForReport(page, { type: 'error' });
    expect(error).toMatchObject({ code: 'send_failed', destination: 'collector', retry: true, messageIds: app.attempts[0]!.messageIds });
  });

  test('a connection reset is retried', async ({ page }) => {
    const { app } = collectors;
    // Two resets: Chromium itself silently resends a request once when a reused keep-alive
    // socket is reset, so only the second reset is sure to reach the page as a network error.
    app.faults.push({ reset: true }, { reset: true });
    await openDurable(page, collectors);
    await trackMany(page, 'reset', 2);

    const events = await waitForPrefix(app, 'reset', 2);
    expect(events.filter((e) => e.duplicate)).toEqual([]);
    expect(app.attempts.map((a) => a.answer)).toEqual(['reset', 'reset', 200]);
    expect(new Set(app.attempts.map((a) => a.messageIds.join()))).toEqual(new Set([events.map((e) => e.messageId).join()]));
    expect(await waitForReport(page, { type: 'error' })).toMatchObject({ code: 'send_failed', retry: true });
  });

  test('connection refused: the events arrive once the collector is back', async ({ page }) => {
    const { app } = collectors;
    await openDurable(page, collectors);
    await app.down();
    await trackMany(page, 'refused', 4);
    const error = await waitForReport(page, { type: 'error', retry: true });
    expect(error).toMatchObject({ code: 'send_failed', destination: 'collector' });
    expect(error.messageIds).toHaveLength(4);
    await app.up();

    const events = await waitForPrefix(app, 'refused', 4);
    expect(events.map((e) => e.messageId)).toEqual(error.messageIds);
    expect(events.filter((e) => e.duplicate)).toEqual([]);
    expect(app.attempts.map((a) => a.answer)).toEqual([200]);
  });

  test('a 400 answer drops the batch: one request, reported once as rejected, never retried', async ({ page }) => {
    const { app } = collectors;
    app.faults.push({ status: 400 });
    await openDurable(page, collectors);
    await trackMany(page, 'r400', 3);

    const dropped = await waitForReport(page, { type: 'dropped' });
    expect(dropped).toMatchObject({ destination: 'collector', reason: 'rejected' });
    expect(dropped.messageIds).toEqual(app.attempts[0]!.messageIds);
    expect(dropped.messageIds).toHaveLength(3);
    // flush() attempts whatever is still queued: the rejected batch must not be among it.
    await flush(page);
    await trackMany(page, 'after400', 1);
    await flush(page);
    await waitForPrefix(app, 'after400', 1);

    expect(app.attempts.map((a) => a.answer)).toEqual([400, 200]);
    expect(withPrefix(app, 'r400')).toEqual([]);
    const reports = await reportsOf(page);
    expect(reports.filter((r) => r.type === 'dropped')).toHaveLength(1);
    const errors = reports.filter((r) => r.type === 'error');
    expect(errors).toEqual([
      expect.objectContaining({ code: 'send_failed', destination: 'collector', status: 400, retry: false, messageIds: dropped.messageIds }),
    ]);
  });

  test('flush() sends a batch that waits on a long backoff at once, and resolves after the attempt', async ({ page }) => {
    const { app } = collectors;
    app.faults.push({ status: 503 });
    await openDurable(page, collectors, { delivery: { flushIntervalMs: 100, retryBaseMs: 30_000, maxRetryDelayMs: 60_000 } });
    await trackMany(page, 'flushed', 2);
    await waitForReport(page, { type: 'error', status: 503 });

    await flush(page);
    // No polling: flush() resolves only once the batch was attempted, and this attempt succeeds.
    expect(withPrefix(app, 'flushed').map((e) => e.event)).toEqual(['flushed_0', 'flushed_1']);
    expect(app.attempts.map((a) => a.answer)).toEqual([503, 200]);
  });
});
