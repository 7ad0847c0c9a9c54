import { describe, expect, it } from 'vitest';
import { toJsonSafe } from '../../../src/lib/json';
import { utf8Length } from '../../../src/lib/bytes';
import { fitBatch } from '../../../src/delivery/batch';
import type { AcquaintEvent } from '../../../src/events/event';

describe('toJsonSafe', () => {
  it('drops what JSON cannot carry and converts what it can', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(
      toJsonSafe({
        n: NaN,
        i: Infinity,
        b: 10n,
        d: new Date(0),
        bad: new Date('x'),
        f: () => 1,
        s: Symbol('s'),
        u: undefined,
        m: new Map(),
        cyclic,
        list: [1, () => 1, cyclic],
      }),
    ).toEqual({ n: null, i: null, b: '10', d: '1970-01-01T00:00:00.000Z', bad: null, cyclic: { a: 1 }, list: [1, null, { a: 1 }] });
  });

  it('keeps a shared (non-cyclic) object everywhere it appears', () => {
    const shared = { x: 1 };
    expect(toJsonSafe({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });

  it('skips unsafe keys', () => {
    const out = toJsonSafe(JSON.parse('{"__proto__":{"p":1},"ok":1}')) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['ok']);
  });
});

describe('utf8Length', () => {
  it.each(['', 'abc', 'é', '€', '😀', 'a😀é€'])('matches TextEncoder for %j', (text) => {
    expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
  });
});

describe('fitBatch', () => {
  const event = (id: number, pad = 0) => ({ messageId: String(id), pad: 'x'.repeat(pad) }) as unknown as AcquaintEvent;

  it('fits by count', () => {
    expect(
      fitBatch(
        [1, 2, 3, 4, 5].map((i) => event(i)),
        2,
        60_000,
      ),
    ).toBe(2);
  });

  it('fits by bytes and still takes one event bigger than the limit', () => {
    expect(fitBatch([event(1, 400), event(2, 400), event(3, 2000)], 100, 1000)).toBe(2);
    expect(fitBatch([event(1, 400), event(2, 500)], 100, 1000)).toBe(1);
    expect(fitBatch([event(3, 2000)], 100, 1000)).toBe(1);
  });
});
