import { describe, expect, it, vi } from 'vitest';
import { createStoragePolicy, type StoragePolicyDeps } from '../../../src/pipeline/storage-policy';
import type { Routes } from '../../../src/pipeline/routes';

function setup({ allowed = false, routes = true } = {}) {
  const consent = { allowed };
  const persistence = { enabled: false, clear: vi.fn(() => Promise.resolve()) };
  const identityStore = { enabled: false, enable: vi.fn(() => Promise.resolve()), clear: vi.fn(() => Promise.resolve()) };
  const persist = vi.fn(() => Promise.resolve());
  const deps: StoragePolicyDeps = {
    allowed: () => consent.allowed,
    state: () => ({ analytics: consent.allowed ? 'granted' : 'denied' }),
    routes: () => (routes ? ({ persist } as unknown as Routes) : undefined),
    persistence,
    identityStore,
    serverIdUrl: () => '/acquaint/id',
    opened: vi.fn(),
    withdrawn: vi.fn(),
  };
  return { policy: createStoragePolicy(deps), deps, consent, persistence, identityStore, persist };
}

describe('the storage policy', () => {
  it('opens nothing before the routes exist, whatever consent says', () => {
    const { policy, identityStore, persist } = setup({ allowed: true, routes: false });
    policy.sync();
    expect(identityStore.enable).not.toHaveBeenCalled();
    expect(persist).not.toHaveBeenCalled();
  });

  it('moves the queues and the profile to the device once storage is allowed, then says the profile is open', async () => {
    const { policy, deps, identityStore, persist } = setup({ allowed: true });
    policy.sync();
    expect(persist).toHaveBeenCalledWith({ analytics: 'granted' });
    expect(identityStore.enable).toHaveBeenCalledWith('/acquaint/id');
    await vi.waitFor(() => expect(deps.opened).toHaveBeenCalledTimes(1));
  });

  it('takes back what was stored when storage is withdrawn, and touches nothing never opened', () => {
    const { policy, deps, persistence, identityStore } = setup({ allowed: false });
    policy.sync();
    expect(persistence.clear).not.toHaveBeenCalled();
    expect(identityStore.clear).not.toHaveBeenCalled();
    persistence.enabled = true;
    identityStore.enabled = true;
    policy.sync();
    expect(persistence.clear).toHaveBeenCalledTimes(1);
    expect(identityStore.clear).toHaveBeenCalledTimes(1);
    // Told whether storage was in use: only then does the relay's id cookie need expiring.
    expect(vi.mocked(deps.withdrawn).mock.calls).toEqual([[false], [true]]);
  });

  it("reads a returning visitor's profile before the routes exist only when storage is allowed", async () => {
    const denied = setup({ allowed: false, routes: false });
    await denied.policy.restore();
    expect(denied.identityStore.enable).not.toHaveBeenCalled();
    const allowed = setup({ allowed: true, routes: false });
    await allowed.policy.restore();
    expect(allowed.identityStore.enable).toHaveBeenCalledTimes(1);
    expect(allowed.deps.opened).toHaveBeenCalledTimes(1);
  });
});
