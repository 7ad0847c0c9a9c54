import { describe, expect, it } from 'vitest';
import { createQueue } from '../../../src/delivery/queue';
import type { QueueRecord } from '../../../src/delivery/record';
import { testEvent } from '../event';

// One destination's queue on its own: order, bounds, and what is in flight.
let seq = 0;
const record = (id: string, at = '2026-12-07T10:00:00.000Z', bytes = 0): QueueRecord => ({
  destination: 'collector',
  event: testEvent({ messageId: id, timestamp: at, properties: { pad: 'x'.repeat(bytes) } }),
  attempts: 0,
  owner: 'tab',
  seq: seq++,
});
const ids = (records: readonly QueueRecord[]): string[] => records.map((r) => r.event.messageId);
const limits = { maxEvents: 3, maxBytes: 5_000_000, maxAgeMs: 3_600_000 };

describe('the delivery queue', () => {
  it('keeps records in event-time order, whatever order they arrive in (an adopted record is older)', () => {
    const queue = createQueue(limits);
    queue.add([record('b', '2026-12-07T10:00:02.000Z')]);
    queue.add([record('a', '2026-12-07T10:00:01.000Z')]);
    expect(ids(queue.all())).toEqual(['a', 'b']);
  });

  it('evicts the oldest beyond the count bound, never one a request is carrying', () => {
    const queue = createQueue(limits);
    queue.add([record('a'), record('b'), record('c')]);
    expect(ids(queue.take(1, 1_000_000))).toEqual(['a']);
    expect(ids(queue.add([record('d')]))).toEqual(['b']);
    expect(ids(queue.all())).toEqual(['a', 'c', 'd']);
  });

  it('hands out each record to one batch at a time until it is released or removed', () => {
    const queue = createQueue(limits);
    queue.add([record('a'), record('b')]);
    const batch = queue.take(10, 1_000_000);
    expect(ids(queue.take(10, 1_000_000))).toEqual([]);
    expect(ids(queue.idle())).toEqual([]);
    queue.release(batch);
    expect(ids(queue.take(1, 1_000_000))).toEqual(['a']);
    queue.remove(queue.all());
    expect(queue.length).toBe(0);
  });

  it('applies the byte bound when trimmed (measuring is off the push path), oldest first', () => {
    const queue = createQueue({ ...limits, maxEvents: 100, maxBytes: 3_000 });
    queue.add([record('a', undefined, 1_000), record('b', undefined, 1_000), record('c', undefined, 1_000)]);
    expect(queue.length).toBe(3);
    expect(ids(queue.trim())).toEqual(['a']);
    expect(ids(queue.all())).toEqual(['b', 'c']);
  });

  it('expires records past the age limit, and tells apart what a gone tab left that is new here', () => {
    const queue = createQueue(limits);
    const old = record('old', '2026-12-07T08:00:00.000Z');
    queue.add([old, record('new', '2026-12-07T09:30:00.000Z')]);
    expect(ids(queue.expire(Date.parse('2026-12-07T10:00:00.000Z')))).toEqual(['old']);
    expect(ids(queue.missing([record('new'), record('other')]))).toEqual(['other']);
  });
});
