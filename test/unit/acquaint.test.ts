import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAcquaint } from '../../src/acquaint';
import { answer, fakeEnv } from './fake-env';

const collector = (purposes = ['analytics'], id = 'collector') => ({ id, type: 'http', purposes, settings: { url: '/v1/batch' } });
const config = (extra: Record<string, unknown> = {}) => ({
  version: 1,
  consent: { defaults: { analytics: 'granted' } },
  destinations: [collector()],
  ...extra,
});

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('createAcquaint', () => {
  it('sends the page view, then pushes made before and after load, in order', async () => {
    const { env, sent } = fakeEnv();
    const dataLayer: unknown[] = [{ event: 'before' }];
    const acquaint = createAcquaint({ config: config(), dataLayer, env });
    dataLayer.push({ event: 'after-load' });
    await acquaint.ready();
    acquaint.track('after-ready', { value: 1 });
    await acquaint.flush();
    expect(sent().map((e) => e.event ?? e.type)).toEqual(['page', 'before', 'after-load', 'after-ready']);
    expect(new Set(sent().map((e) => e.messageId)).size).toBe(4);
    expect(sent()[3]).toMatchObject({
      type: 'track',
      event: 'after-ready',
      properties: { value: 1 },
      userId: null,
      timestamp: '2026-11-23T10:00:00.000Z',
      context: { page: { path: '/cart' }, consent: { analytics: 'granted' }, library: { name: 'acquaint', version: '0.0.0-test' } },
    });
  });

  it('posts {batch, sentAt} to the URL resolved against the page', async () => {
    const { env, requests } = fakeEnv();
    const acquaint = createAcquaint({ config: config(), env });
    await acquaint.flush();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ url: 'https://shop.example/v1/batch', via: 'fetch', body: { sentAt: '2026-11-23T10:00:00.000Z' } });
  });

  it('sends after the flush interval without an explicit flush', async () => {
    const { env, requests } = fakeEnv();
    const acquaint = createAcquaint({ config: config(), env });
    await acquaint.ready();
    expect(requests).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(requests).toHaveLength(1);
  });

  it('leaves by beacon when the page is hidden', async () => {
    const { env, requests, hidePage } = fakeEnv();
    const acquaint = createAcquaint({ config: config(), env });
    await acquaint.ready();
    acquaint.track('last');
    hidePage();
    expect(requests.map((r) => r.via)).toEqual(['beacon']);
  });

  it('sends no page view with autoPage: false', async () => {
    const { env, sent } = fakeEnv();
    const acquaint = createAcquaint({ config: config({ autoPage: false }), dataLayer: [{ event: 'only' }], env });
    await acquaint.flush();
    expect(sent().map((e) => e.event ?? e.type)).toEqual(['only']);
  });

  it('holds events while analytics is pending and releases them on grant', async () => {
    const { env, sent } = fakeEnv();
    const acquaint = createAcquaint({ config: config({ consent: {} }), dataLayer: [{ event: 'held' }], env });
    await acquaint.flush();
    expect(sent()).toEqual([]);
    acquaint.consent.update({ analytics: 'granted' });
    await acquaint.flush();
    expect(sent().map((e) => e.event ?? e.type)).toEqual(['page', 'held']);
  });

  it('routes gtag consent, set and event commands', async () => {
    const { env, sent } = fakeEnv();
    const dataLayer: unknown[] = [];
    const acquaint = createAcquaint({ config: config({ consent: {} }), dataLayer, env });
    function gtag(..._args: unknown[]) {
      // eslint-disable-next-line prefer-rest-params
      dataLayer.push(arguments);
    }
    gtag('set', { currency: 'EUR' });
    gtag('event', 'sign_up', { method: 'email' });
    gtag('consent', 'update', { analytics_storage: 'granted' });
    await acquaint.flush();
    expect(acquaint.get('currency')).toBe('EUR');
    expect(sent().map((e) => e.event ?? e.type)).toEqual(['page', 'sign_up']);
  });

  it('logs one error for an invalid config and keeps the valid destination', async () => {
    const { env, requests } = fakeEnv();
    const errors = vi.fn();
    const acquaint = createAcquaint({
      config: config({ destinations: [{ ...collector(), id: 'bad', settings: { url: 'ftp://x' } }, collector()] }),
      env,
    });
    acquaint.on('error', errors);
    await acquaint.flush();
    expect(env.console.error).toHaveBeenCalledTimes(1);
    expect(env.console.error).toHaveBeenCalledWith(expect.stringContaining('→ at destinations[0].settings.url'));
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ code: 'invalid_config' }));
    expect(requests).toHaveLength(1);
  });

  it('reports events as dropped when the config cannot load, and keeps the data layer', async () => {
    const { env } = fakeEnv();
    const dropped = vi.fn();
    const dataLayer: unknown[] = [{ event: 'early', a: 1 }];
    const acquaint = createAcquaint({ config: Promise.reject(new Error('could not load /tags.json: HTTP 404')), dataLayer, env });
    acquaint.on('dropped', dropped);
    await acquaint.ready();
    expect(env.console.error).toHaveBeenCalledWith(expect.stringContaining('HTTP 404'));
    expect(dropped).toHaveBeenCalledWith(
      expect.objectContaining({ reason: 'config_unavailable', messageIds: expect.any(Array) as unknown }),
    );
    dataLayer.push({ b: 2 });
    expect(acquaint.get('a')).toBe(1);
    expect(acquaint.get('b')).toBe(2);
  });

  it('reports a retryable failure as an error and keeps the events', async () => {
    const { env } = fakeEnv({ fetch: () => Promise.resolve(answer(503)) });
    const reports: unknown[] = [];
    const acquaint = createAcquaint({ config: config(), env });
    acquaint.on('error', (e) => reports.push(e));
    acquaint.on('dropped', (e) => reports.push(e));
    await acquaint.flush();
    expect(reports).toEqual([
      {
        code: 'send_failed',
        message: 'HTTP 503',
        destination: 'collector',
        status: 503,
        retry: true,
        retryInMs: 500,
        messageIds: [expect.any(String)],
      },
    ]);
  });

  it('drops a batch the collector rejects, with a reason', async () => {
    const { env } = fakeEnv({ fetch: () => Promise.resolve(answer(400)) });
    const reports: unknown[] = [];
    const acquaint = createAcquaint({ config: config(), env });
    acquaint.on('error', (e) => reports.push(e));
    acquaint.on('dropped', (e) => reports.push(e));
    await acquaint.flush();
    expect(reports).toEqual([
      { code: 'send_failed', message: 'HTTP 400', destination: 'collector', status: 400, retry: false, messageIds: [expect.any(String)] },
      { destination: 'collector', messageIds: [expect.any(String)], reason: 'rejected' },
    ]);
  });

  it('isolates a throwing listener', async () => {
    const { env } = fakeEnv();
    const acquaint = createAcquaint({ config: config(), env });
    const second = vi.fn();
    acquaint.on('delivered', () => {
      throw new Error('listener bug');
    });
    acquaint.on('delivered', second);
    await acquaint.flush();
    expect(second).toHaveBeenCalledWith({ destination: 'collector', messageIds: [expect.any(String)] });
    expect(env.console.error).toHaveBeenCalledWith(expect.stringContaining('listener bug'));
  });

  it('rejects bad API input without throwing', async () => {
    const { env, sent } = fakeEnv();
    const acquaint = createAcquaint({ config: config({ autoPage: false }), env });
    const errors = vi.fn();
    acquaint.on('error', errors);
    expect(() => acquaint.track(42 as unknown as string)).not.toThrow();
    expect(() => acquaint.track('x', 'abc' as unknown as Record<string, unknown>)).not.toThrow();
    expect(() => acquaint.page(5 as unknown as Record<string, unknown>)).not.toThrow();
    expect(acquaint.on('nope' as 'error', () => undefined)).toBeTypeOf('function');
    await acquaint.flush();
    expect(errors).toHaveBeenCalledTimes(3);
    expect(sent()).toEqual([]);
  });

  it('snapshots properties when the event is accepted', async () => {
    const { env, sent } = fakeEnv();
    const acquaint = createAcquaint({ config: config({ autoPage: false }), env });
    const item = { price: 1 };
    acquaint.track('add', { item, when: new Date(0), fn: () => 1 });
    item.price = 2;
    await acquaint.flush();
    expect(sent()[0]!.properties).toEqual({ item: { price: 1 }, when: '1970-01-01T00:00:00.000Z' });
  });
});
