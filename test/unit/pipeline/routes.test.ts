import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../../src/config/load';
import { createPersistence } from '../../../src/delivery/persistence';
import type { Adapter, AdapterType } from '../../../src/destinations/adapter';
import { AUDIENCE_EVENT } from '../../../src/identity/audience-tracking';
import { createRegistry } from '../../../src/pipeline/registry';
import { createRoutes } from '../../../src/pipeline/routes';
import { testEvent } from '../event';
import { fakeEnv } from '../fake-env';

// The routes on their own: gate → rules → outbox → adapter per destination, with a fake adapter
// type that records what it is sent.
beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

function setup(destinations: unknown[], consent: Record<string, 'granted' | 'denied' | 'pending'>) {
  const { env } = fakeEnv();
  const sent = new Map<string, { name: string; audiences?: unknown }[]>();
  const fake: AdapterType = {
    type: 'fake',
    create: (id, purposes): Adapter => ({
      id,
      purposes,
      limits: { maxEvents: 100, maxBytes: 1_000_000 },
      init(settings: { refuse?: boolean }) {
        if (settings.refuse) throw new Error('settings.refuse: refused');
      },
      send(batch) {
        sent.set(id, [...(sent.get(id) ?? []), ...batch.map((e) => ({ name: e.event ?? e.type, audiences: e.context.audiences }))]);
        return Promise.resolve({ ok: true });
      },
    }),
  };
  const registry = createRegistry(undefined);
  registry.register(fake);
  const reports = {
    delivered: vi.fn(),
    dropped: vi.fn(),
    failed: vi.fn(),
    initFailed: vi.fn(),
    loadFailed: vi.fn(),
    ruled: vi.fn(),
    held: vi.fn(),
  };
  const loaded = parseConfig({ version: 1, destinations });
  expect(loaded.issues).toEqual([]);
  const routes = createRoutes(
    loaded,
    { necessary: 'granted', ...consent },
    {
      env,
      persistence: createPersistence(env, 'tab', () => undefined),
      tabId: 'tab',
      registry,
      caps: { forDestination: () => () => true, persist: () => undefined, clear: () => undefined },
      reports,
      audiences: () => ['vip'],
      traits: () => ({}),
      trace: () => undefined,
      waitingFor: () => undefined,
    },
  );
  const names = (id: string) => (sent.get(id) ?? []).map((e) => e.name);
  return { routes, sent, names, reports };
}

const to = (id: string, purposes: string[], extra: Record<string, unknown> = {}) => ({
  id,
  type: 'fake',
  purposes,
  settings: {},
  ...extra,
});

describe('the routes', () => {
  it('send each event only where every listed purpose is granted, hold it where one is pending, and release it on grant', async () => {
    const { routes, names, reports } = setup(
      [to('stats', ['analytics']), to('ads', ['analytics', 'marketing']), to('never', ['personalization'])],
      {
        analytics: 'granted',
        marketing: 'pending',
        personalization: 'denied',
      },
    );
    routes.offer(testEvent({ event: 'first', messageId: 'm-1' }));
    await routes.flush();
    expect([names('stats'), names('ads'), names('never')]).toEqual([['first'], [], []]);
    expect(reports.dropped).toHaveBeenCalledWith('never', ['m-1'], 'consent_denied');
    routes.consentChanged({ necessary: 'granted', analytics: 'granted', marketing: 'granted', personalization: 'denied' });
    await routes.flush();
    expect(names('ads')).toEqual(['first']);
  });

  it('leave out a destination whose settings its adapter refuses, alone', async () => {
    const { routes, names, reports } = setup([to('bad', ['analytics'], { settings: { refuse: true } }), to('good', ['analytics'])], {
      analytics: 'granted',
    });
    routes.offer(testEvent({ event: 'e' }));
    await routes.flush();
    expect(names('good')).toEqual(['e']);
    expect(reports.initFailed).toHaveBeenCalledWith('bad', expect.any(Error));
  });

  it("give the visitor's audiences only to a destination that opted in, and the membership event to no other", async () => {
    const { routes, sent } = setup([to('crm', ['analytics'], { audiences: true }), to('stats', ['analytics'])], { analytics: 'granted' });
    routes.offer(testEvent({ event: 'view' }));
    routes.offer(testEvent({ event: AUDIENCE_EVENT, messageId: 'm-2' }));
    await routes.flush();
    expect(sent.get('crm')).toEqual([
      { name: 'view', audiences: ['vip'] },
      { name: AUDIENCE_EVENT, audiences: ['vip'] },
    ]);
    expect(sent.get('stats')).toEqual([{ name: 'view', audiences: undefined }]);
  });
});
