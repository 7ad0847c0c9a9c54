import { parseConfig, type ValidDestination } from '../config/load';
import { relayIssues } from '../config/relay-checks';
import { formatPath, type ConfigIssue } from '../config/report';
import type { RelayConfig } from '../config/schema';
import { isPlainObject } from '../lib/is';
import { VENDOR_APIS } from './vendors';
import type { VendorApi } from './vendors/types';

/** A server-mode destination, ready to check and forward. */
export interface RelayDestination {
  destination: ValidDestination;
  api: VendorApi<unknown>;
  /** The values of the environment variables its settings name (never logged). */
  secrets: Record<string, string>;
}

export interface RelaySetup {
  relay: RelayConfig;
  destinations: Map<string, RelayDestination>;
  /** `identity.hashTraits`: traits the page sends only hashed, hashed again here if they came in clear. */
  hashTraits: string[];
  /** Problems in parts of the config the relay does not use (the page reports them too). */
  warnings: ConfigIssue[];
}

/** Why the relay cannot start: every problem, each with its path (or the variable's name). */
export class RelayConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `acquaint relay: cannot start (${issues.length} problem${issues.length > 1 ? 's' : ''})\n${issues.map((i) => `✖ ${i.message} → at ${i.path}`).join('\n')}`,
    );
  }
}

const serverMode = (entry: unknown): boolean => isPlainObject(entry) && (entry.mode === 'server' || entry.mode === 'both');

/**
 * The relay's reading of tags.json (contract §9): strict where the relay is concerned (the
 * `relay` section, every server-mode destination, secrets and their variables stop the start),
 * lenient elsewhere (the page's own parts are only warned about).
 */
export function loadRelayConfig(input: unknown, env: Readonly<Record<string, string | undefined>>): RelaySetup {
  const loaded = parseConfig(input, { side: 'relay' });
  const list = isPlainObject(input) && Array.isArray(input.destinations) ? input.destinations : [];
  const ours = (path: string): boolean =>
    path === 'version' ||
    path === '(root)' ||
    path.startsWith('relay') ||
    list.some((entry, i) => serverMode(entry) && path.startsWith(`destinations[${i}]`));
  const fatal = [...loaded.issues.filter((issue) => ours(issue.path)), ...relayIssues(input, loaded.destinations)];
  const relay = loaded.config.relay;
  if (!relay && !fatal.some((issue) => issue.path.startsWith('relay')))
    fatal.push({
      code: 'invalid_type',
      path: 'relay',
      message: 'missing: the relay needs a relay section ({"url": "/acquaint"} at least)',
    });
  const destinations = new Map<string, RelayDestination>();
  for (const destination of loaded.destinations) {
    if (!destination.mode || destination.mode === 'browser') continue;
    const api = VENDOR_APIS[destination.type]!;
    const secrets: Record<string, string> = {};
    for (const name of api.secretNames(destination.settings)) {
      const value = env[name];
      if (value) secrets[name] = value;
      else {
        const index = list.findIndex((entry) => isPlainObject(entry) && entry.id === destination.id);
        fatal.push({
          code: 'missing_env',
          path: formatPath(['destinations', index, 'settings']),
          message: `the environment variable ${name} is not set`,
        });
      }
    }
    destinations.set(destination.id, { destination, api, secrets });
  }
  if (fatal.length) throw new RelayConfigError(fatal);
  return {
    relay: relay!,
    destinations,
    hashTraits: loaded.config.identity?.hashTraits ?? [],
    warnings: loaded.issues.filter((issue) => !ours(issue.path)),
  };
}
