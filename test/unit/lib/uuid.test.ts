import { webcrypto } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { uuidFrom } from '../../../src/lib/uuid';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidFrom', () => {
  it('makes distinct v4 UUIDs', () => {
    const uuid = uuidFrom(webcrypto);
    const ids = Array.from({ length: 1000 }, uuid);
    for (const id of ids) expect(id).toMatch(V4);
    expect(new Set(ids).size).toBe(1000);
  });

  it('draws random bytes for 256 ids at a time, and every byte is used once', () => {
    let next = 0;
    const getRandomValues = vi.fn((array: Uint8Array) => {
      for (let i = 0; i < array.length; i++) array[i] = next++ & 0xff;
      return array;
    });
    const uuid = uuidFrom({ getRandomValues });
    expect(uuid()).toBe('00010203-0405-4607-8809-0a0b0c0d0e0f');
    expect(uuid()).toBe('10111213-1415-4617-9819-1a1b1c1d1e1f');
    for (let i = 2; i < 256; i++) uuid();
    expect(getRandomValues).toHaveBeenCalledTimes(1);
    uuid();
    expect(getRandomValues).toHaveBeenCalledTimes(2);
  });
});
