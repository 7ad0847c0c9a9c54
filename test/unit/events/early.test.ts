import { describe, expect, it, vi } from 'vitest';
import { createEarlyBuffer } from '../../../src/events/early';
import type { AcquaintEvent } from '../../../src/events/event';

const event = (messageId: string) => ({ messageId }) as AcquaintEvent;

describe('the early buffer', () => {
  it('keeps events in order until taken, then starts empty', () => {
    const buffer = createEarlyBuffer(vi.fn());
    buffer.add(event('a'));
    buffer.add(event('b'));
    expect(buffer.take().map((e) => e.messageId)).toEqual(['a', 'b']);
    expect(buffer.take()).toEqual([]);
  });

  it('keeps at most 1,000 and reports the oldest beyond as buffer_overflow', () => {
    const dropped = vi.fn();
    const buffer = createEarlyBuffer(dropped);
    for (let i = 0; i < 1002; i++) buffer.add(event(String(i)));
    expect(dropped.mock.calls).toEqual([
      [[event('0')], 'buffer_overflow'],
      [[event('1')], 'buffer_overflow'],
    ]);
    const kept = buffer.take();
    expect([kept.length, kept[0]!.messageId]).toEqual([1000, '2']);
  });
});
