import type { ConsentChoices } from '../config/schema';
import type { Persistence } from '../delivery/persistence';
import type { IdentityStore } from '../identity/store';
import type { Routes } from './routes';

export interface StoragePolicyDeps {
  allowed(): boolean;
  state(): ConsentChoices;
  /** The routes, once the config made them: before, nothing moves. */
  routes(): Routes | undefined;
  persistence: Pick<Persistence, 'enabled' | 'clear'>;
  identityStore: Pick<IdentityStore, 'enabled' | 'enable' | 'clear'>;
  serverIdUrl(): string | undefined;
  /** The profile store has read what is stored: what waited for it goes in now. */
  opened(): void;
  /** Storage withdrawn: what else was kept with the profile goes too; `stored`: it was in use until now. */
  withdrawn(stored: boolean): void;
}

/**
 * Contract §5: nothing is written to the device before a purpose that needs storage is granted.
 * Granted, the queues and the profile move to IndexedDB (taking over what was stored); withdrawn,
 * what was stored is deleted and both go on in memory only.
 */
export function createStoragePolicy(deps: StoragePolicyDeps) {
  const { persistence, identityStore } = deps;
  const openProfile = (): Promise<void> => identityStore.enable(deps.serverIdUrl()).then(deps.opened);
  return {
    /** Storage follows consent (called on every change of it, and once the routes exist). */
    sync(): void {
      const routes = deps.routes();
      if (!routes) return;
      if (!deps.allowed()) {
        const stored = persistence.enabled || identityStore.enabled;
        if (persistence.enabled) void persistence.clear();
        if (identityStore.enabled) void identityStore.clear();
        deps.withdrawn(stored);
        return;
      }
      if (!persistence.enabled) void routes.persist(deps.state());
      if (!identityStore.enabled) void openProfile();
    },
    /** A returning visitor who allowed storage: their stored profile, read before the first events leave. */
    restore: (): Promise<void> => (deps.allowed() ? openProfile() : Promise.resolve()),
  };
}
