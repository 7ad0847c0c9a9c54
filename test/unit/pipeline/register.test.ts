import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAcquaint } from '../../../src/acquaint';
import type { Adapter, AdapterType } from '../../../src/destinations/adapter';
import { createRegistry } from '../../../src/pipeline/registry';
import type { AcquaintEvent } from '../../../src/events/event';
import { fakeEnv } from '../fake-env';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

/** A site's own adapter: records what it is sent. */
function recordingType(type = 'my-crm') {
  const received: string[] = [];
  const settings: unknown[] = [];
  const adapterType: AdapterType<{ key: string }> = {
    type,
    create: (id, purposes): Adapter<{ key: string }> => ({
      id,
      purposes,
      limits: { maxEvents: 100, maxBytes: 100_000 },
      init: (value) => void settings.push(value),
      send: (batch: readonly AcquaintEvent[]) => {
        received.push(...batch.map((e) => e.event ?? e.type));
        return Promise.resolve({ ok: true as const });
      },
    }),
  };
  return { adapterType, received, settings };
}

const config = {
  version: 1,
  consent: { defaults: { analytics: 'granted' } },
  destinations: [{ id: 'crm', type: 'my-crm', purposes: ['analytics'], settings: { key: 'k' } }],
};

describe('register', () => {
  it('wires a config entry of a registered type, given before the config loads', async () => {
    const { env } = fakeEnv();
    const { adapterType, received, settings } = recordingType();
    const acquaint = createAcquaint({ config, env, adapters: [adapterType] });
    acquaint.track('signup');
    await acquaint.flush();
    expect(received).toEqual(['page', 'signup']);
    expect(settings).toEqual([{ key: 'k' }]);
    expect(env.console.warn).not.toHaveBeenCalled();
  });

  it('queues the events of an unregistered type, with a warning, and sends them in order once it registers', async () => {
    const { env } = fakeEnv();
    const acquaint = createAcquaint({ config, env });
    acquaint.track('first');
    await acquaint.ready();
    expect(env.console.warn).toHaveBeenCalledWith(expect.stringContaining('"my-crm" is not a built-in type'));
    acquaint.track('second');
    const { adapterType, received } = recordingType();
    acquaint.register(adapterType);
    acquaint.track('third');
    await vi.runAllTimersAsync();
    await acquaint.flush();
    expect(received).toEqual(['page', 'first', 'second', 'third']);
  });

  it('refuses a malformed or duplicate type with an error naming it', () => {
    const { env } = fakeEnv();
    const acquaint = createAcquaint({ config, env });
    const errors: string[] = [];
    acquaint.on('error', (e) => void errors.push(`${e.code}: ${e.message}`));
    acquaint.register({ type: 'Bad Name', create: recordingType().adapterType.create });
    acquaint.register({ type: 'http' } as AdapterType);
    acquaint.register(recordingType('http').adapterType);
    expect(errors).toEqual([
      'invalid_adapter: register(adapterType): type "Bad Name" must be lowercase letters, digits or - (at most 40)',
      'invalid_adapter: register(adapterType): expected { type: string, create(id, purposes, env) }',
      'invalid_adapter: register(adapterType): type "http" is already registered',
    ]);
  });
});

describe('createRegistry', () => {
  it('loads a built-in tag file once, when first asked for, and waits for it to register', async () => {
    const { adapterType } = recordingType('ga4');
    const load = vi.fn((type: string) => {
      if (type === 'ga4') registry.register(adapterType);
      return Promise.resolve();
    });
    const registry = createRegistry(load);
    expect(load).not.toHaveBeenCalled();
    const [a, b] = await Promise.all([registry.when('ga4'), registry.when('ga4')]);
    expect([a, b]).toEqual([adapterType, adapterType]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('tries the file again after a failed load, and never loads a type that is not built in', async () => {
    const load = vi.fn().mockRejectedValueOnce(new Error('could not load')).mockResolvedValue(undefined);
    const registry = createRegistry(load);
    await expect(registry.when('meta-pixel')).rejects.toThrow('could not load');
    void registry.when('meta-pixel');
    void registry.when('my-crm');
    expect(load.mock.calls).toEqual([['meta-pixel'], ['meta-pixel']]);
  });
});
