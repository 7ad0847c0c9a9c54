import * as features from '../config/build-features';
import type { LoadedConfig } from '../config/load';
import type { ConsentChoices } from '../consent/consent';
import type { Persistence } from '../delivery/persistence';
import type { RouteReports } from './reporter';
import type { Trace } from '../events/trace';
import type { IdentityStore } from '../identity/store';
import type { Log } from '../lib/log';
import type { AdapterType } from '../destinations/adapter';
import { createCaps, NO_CAPS } from '../rules/caps';
import { createRegistry } from './registry';
import { createRoutes, type RouteDeps, type Routes } from './routes';

export interface DestinationsDeps {
  env: RouteDeps['env'];
  persistence: Persistence;
  tabId: string;
  identityStore: IdentityStore;
  reports: RouteReports;
  log: Log;
  fail(code: string, message: string): void;
  trace(): Trace | undefined;
  consent: { waitingFor: RouteDeps['waitingFor'] };
}

/**
 * The destinations box as acquaint.ts sees it: the adapter types (built in and registered),
 * the frequency caps kept with the profile, and the routes, made once the config is there.
 */
export function createDestinations(deps: DestinationsDeps) {
  const { env, identityStore, log } = deps;
  const registry = createRegistry(env.loadAdapter);
  const caps = features.caps
    ? createCaps({ read: () => identityStore.stored('caps'), write: (counts) => identityStore.save('caps', counts) }, env.now)
    : NO_CAPS;
  let routes: Routes | undefined;

  return {
    get routes(): Routes | undefined {
      return routes;
    },
    /** Adds a destination type; config entries of that `type` are wired to it, before or after the config loads. */
    register(adapterType: AdapterType): void {
      const problem = registry.register(adapterType);
      if (!problem) return;
      log.error(`acquaint: ${problem}`);
      deps.fail('invalid_adapter', problem);
    },
    start(loaded: LoadedConfig, consent: ConsentChoices, audiences: () => string[], traits: () => Record<string, unknown>): Routes {
      for (const note of loaded.notes) if (!registry.get(note.type)) log.warnOnce(`acquaint: ${note.message} → at ${note.path}`);
      const { persistence, tabId, reports, trace } = deps;
      const { waitingFor } = deps.consent;
      routes = createRoutes(loaded, consent, { env, persistence, tabId, registry, caps, reports, audiences, traits, trace, waitingFor });
      env.onPageHide(() => routes?.unload());
      env.onOnline(() => routes?.resume());
      return routes;
    },
    /** The profile store opened (storage allowed): cap counts made before are saved now. */
    storageEnabled: (): void => caps.persist(),
    /** Erasure: every held and queued event, and the cap counts. */
    forget(): void {
      routes?.forget();
      caps.clear();
    },
  };
}
