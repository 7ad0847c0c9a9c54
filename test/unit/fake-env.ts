import { vi } from 'vitest';
import type { Env } from '../../src/env';

/** An Env whose network, clock and ids are scripted by the test. */
export function fakeEnv(overrides: Partial<Env> = {}) {
  let counter = 0;
  const requests: { url: string; body: unknown; via: 'fetch' | 'beacon' }[] = [];
  const pageHide: (() => void)[] = [];
  const env: Env = {
    fetch: vi.fn((url: string, init: RequestInit) => {
      requests.push({ url, body: JSON.parse(init.body as string), via: 'fetch' });
      return Promise.resolve({ ok: true, status: 200 });
    }),
    sendBeacon: vi.fn((url: string, body: string) => {
      requests.push({ url, body: JSON.parse(body), via: 'beacon' });
      return true;
    }),
    uuid: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
    now: () => Date.parse('2026-11-23T10:00:00.000Z'),
    baseUrl: () => 'https://shop.example/cart',
    page: () => ({ url: 'https://shop.example/cart', path: '/cart', referrer: '', title: 'Cart' }),
    gpc: false,
    console: { error: vi.fn(), warn: vi.fn(), debug: vi.fn() },
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    onPageHide: (listener) => void pageHide.push(listener),
    ...overrides,
  };
  const hidePage = () => pageHide.forEach((listener) => listener());
  /** Every event that reached the network, in order. */
  const sent = () => requests.flatMap((r) => (r.body as { batch: Record<string, unknown>[] }).batch);
  return { env, requests, sent, hidePage };
}
