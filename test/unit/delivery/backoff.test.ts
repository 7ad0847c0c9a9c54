import { describe, expect, it } from 'vitest';
import { backoff, parseRetryAfter } from '../../../src/delivery/backoff';

describe('backoff', () => {
  it('doubles the ceiling per attempt up to the cap', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7].map((attempt) => backoff(attempt, 1000, 30_000, 0.999_999));
    expect(ceilings).toEqual([999, 1999, 3999, 7999, 15_999, 29_999, 29_999]);
  });

  it('spreads retries over the whole window (full jitter)', () => {
    expect(backoff(3, 1000, 30_000, 0)).toBe(0);
    expect(backoff(3, 1000, 30_000, 0.5)).toBe(2000);
  });

  it('stays finite for absurd attempt counts', () => {
    expect(backoff(10_000, 1000, 60_000, 0.5)).toBe(30_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');

  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
  });

  it('treats a date in the past as now and ignores junk', () => {
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('caps a request to wait more than a day', () => {
    expect(parseRetryAfter(String(10 * 86_400), now)).toBe(86_400_000);
  });
});
