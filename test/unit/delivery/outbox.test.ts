import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOutbox, type OutboxReports } from '../../../src/delivery/outbox';
import type { Persistence } from '../../../src/delivery/persistence';
import type { Sender, SendResult } from '../../../src/delivery/sender';
import type { AcquaintEvent } from '../../../src/events/event';
import { testEvent } from '../event';

// One destination's outbox on its own, with a fake sender: what it sends, when, and what it
// reports (delivery.test.ts runs the same paths through createAcquaint).
beforeEach(() => void vi.useFakeTimers({ now: Date.parse('2026-12-07T10:00:00Z') }));
afterEach(() => void vi.useRealTimers());

const event = (messageId: string, bytes = 0): AcquaintEvent =>
  testEvent({ messageId, timestamp: new Date().toISOString(), properties: { pad: 'x'.repeat(bytes) } });

function setup(answers: SendResult[] = [], { maxEvents = 100, beacon = false } = {}) {
  const sent: string[][] = [];
  const beaconed: string[][] = [];
  const sender: Sender = {
    id: 'collector',
    limits: { maxEvents, maxBytes: 500_000 },
    send: (batch) => {
      sent.push(batch.map((e) => e.messageId));
      return Promise.resolve(answers.shift() ?? { ok: true });
    },
    ...(beacon ? { beacon: (batch: readonly AcquaintEvent[]) => void beaconed.push(batch.map((e) => e.messageId)) === undefined } : {}),
  };
  const persistence = { enabled: false, write: vi.fn(), remove: vi.fn(), handedOver: vi.fn() } as unknown as Persistence;
  const reports = {
    delivered: vi.fn<OutboxReports['delivered']>(),
    dropped: vi.fn<OutboxReports['dropped']>(),
    failed: vi.fn<OutboxReports['failed']>(),
  };
  const env = {
    now: Date.now,
    random: () => 0.5,
    isOnline: () => true,
    setTimeout,
    clearTimeout: (handle: unknown) => clearTimeout(handle as number),
  };
  const options = {
    flushIntervalMs: 1000,
    retryBaseMs: 1000,
    maxRetryDelayMs: 60_000,
    maxEvents: 10,
    maxBytes: 5_000_000,
    maxAgeMs: 72 * 3_600_000,
  };
  return { outbox: createOutbox(sender, options, env, persistence, 'tab', reports), sent, beaconed, reports };
}

describe('the outbox', () => {
  it('sends what was added as one batch after the flush interval, and reports it delivered once', async () => {
    const { outbox, sent, reports } = setup();
    outbox.add(event('a'));
    outbox.add(event('b'));
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([['a', 'b']]);
    expect(reports.delivered).toHaveBeenCalledExactlyOnceWith('collector', ['a', 'b']);
  });

  it('retries a batch that may succeed later, after a backoff, with the same events', async () => {
    const { outbox, sent, reports } = setup([{ ok: false, reason: 'HTTP 503', status: 503, retry: true }]);
    outbox.add(event('a'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(reports.failed).toHaveBeenCalledWith('collector', ['a'], expect.objectContaining({ retry: true, status: 503 }));
    const { retryInMs } = reports.failed.mock.calls[0]![2] as { retryInMs: number };
    await vi.advanceTimersByTimeAsync(retryInMs);
    expect(sent).toEqual([['a'], ['a']]);
    expect(reports.delivered).toHaveBeenCalledExactlyOnceWith('collector', ['a']);
  });

  it('drops a batch the destination refused for good, as rejected, without trying again', async () => {
    const { outbox, sent, reports } = setup([{ ok: false, reason: 'HTTP 400', status: 400, retry: false }]);
    outbox.add(event('a'));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sent).toEqual([['a']]);
    expect(reports.dropped).toHaveBeenCalledWith('collector', ['a'], 'rejected');
  });

  it('keeps at most its bound: the oldest beyond it are dropped as queue_full', () => {
    const { outbox, reports } = setup();
    for (let i = 0; i < 12; i++) outbox.add(event(`e${i}`));
    expect(reports.dropped.mock.calls.flatMap(([, ids, reason]) => ids.map((id) => `${id}:${reason}`))).toEqual([
      'e0:queue_full',
      'e1:queue_full',
    ]);
  });

  it('on unload hands everything to the beacon in pieces that fit one (60 KB), at once', () => {
    const { outbox, beaconed, sent, reports } = setup([], { beacon: true });
    for (let i = 0; i < 5; i++) outbox.add(event(`e${i}`, 20_000));
    outbox.unload();
    expect(sent).toEqual([]);
    expect(beaconed.length).toBeGreaterThan(1);
    expect(beaconed.flat()).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(reports.delivered.mock.calls.flatMap(([, ids]) => ids)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
  });
});
