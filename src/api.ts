import type { createBanner } from './consent/banner';
import type { BannerLayer } from './consent-ui/types';
import { eventApi } from './events/api';
import { identityApi } from './identity/api';
import type { AdapterType } from './destinations/adapter';
import type { Env } from './env';
import type { Forgotten, Parts } from './lifecycle';

/** What createAcquaint takes. */
export interface AcquaintOptions {
  /** The config JSON (contract §4), or a promise of it; validated here (a container build: checked and compiled in). */
  config: unknown;
  /** A GTM-style array to adopt; pushes made to it before are processed first, in order. */
  dataLayer?: unknown[];
  env: Env;
  /** Destination types of your own (or the built-in tags, bundled): the same as `register` for each. */
  adapters?: AdapterType[];
}

/** What the page gets (`window.acquaint`, contract §3), over the parts createAcquaint made. */
export function publicApi(
  parts: Parts,
  ready: Promise<void>,
  {
    dataLayer,
    get,
    banner,
    forget,
  }: { dataLayer: unknown[]; get(path: string): unknown; banner: ReturnType<typeof createBanner>; forget(): Promise<Forgotten> },
) {
  const { builder, accept, destinations, consent, debugMode } = parts;
  const { fail } = parts.reporter;
  return {
    ready: (): Promise<void> => ready,
    get: (path: string): unknown => get(String(path)),
    ...eventApi(dataLayer, builder, accept, fail),
    on: parts.reporter.on,
    flush: (): Promise<void> => ready.then(() => destinations.routes?.flush()),
    /** Debug mode as data: every recent event and where it went at each destination, and why not. */
    debug: debugMode.report,
    register: destinations.register,
    ...identityApi({ identity: parts.identity, builder, accept, audiences: parts.audiences.members, fail }),
    /** Erases every id, trait, queued event, count and the consent choice on this device, and asks the relay to delete what it holds. */
    forget,
    consent: {
      get: consent.get,
      update: (choices: unknown): void => consent.update(choices),
      /** Opens the banner again (a "cookie settings" link): the short layer, the per-purpose one, or "Your data". */
      show: (layer?: BannerLayer): Promise<void> => ready.then(() => banner.show(layer)),
    },
  };
}
