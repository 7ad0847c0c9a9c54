import { config as configJson, destination as destinationJson, settings as settingsJson } from 'virtual:config-schemas';
import { isPlainObject } from '../lib/is';
import { toJsonSafe } from '../lib/json';
import { BUILT_IN_PURPOSES } from './purposes';
import { formatPath, type ConfigIssue } from './report';

import { modesOf } from './destination-types';
import { pageRoutes } from './relay-routes';
import type { Config, DestinationConfig, RelayConfig } from './schema';
import { validate } from './validate';

/** A destination whose envelope and settings both passed. */
export interface ValidDestination extends DestinationConfig {
  settings: unknown;
  /** The relay half of a vendor that matches users by traits: these traits go with every event, as `context.traits`. */
  contextTraits?: string[];
}

export interface RawTags {
  triggers?: unknown;
  variables?: unknown;
  tagging?: unknown;
}

export interface LoadedConfig {
  config: Omit<Config, 'destinations' | 'personalize' | 'triggers' | 'variables' | 'tagging'>;
  /**
   * `triggers`, `variables` and `tagging` as the config has them (JSON-safe, unchecked): the
   * triggers file checks them entry by entry (triggers/load-tags.ts), so their schema stays out
   * of acquaint.js. Absent when the config has none of them.
   */
  tags?: RawTags;
  /**
   * `personalize` as the config has it (JSON-safe, unchecked): acquaint-audiences.js checks it
   * entry by entry (config/load-personalize.ts); a container has it parsed at build time.
   */
  personalize?: unknown;
  destinations: ValidDestination[];
  issues: ConfigIssue[];
  /** Not errors: a destination `type` that is not built in waits for `acquaint.register`. */
  notes: (ConfigIssue & { type: string })[];
}

const sections = configJson.properties;
// A settings schema for each built-in type (config/destination-types.ts is the list): their names.
const BUILT_IN_TYPES = Object.keys(settingsJson);
// Checked entry by entry, elsewhere: a bad one costs only itself.
const BY_ENTRY = new Set(['version', 'destinations', 'personalize', 'triggers', 'variables', 'tagging']);
const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/**
 * Validates a config section by section so one mistake costs only its own part: an invalid
 * section falls back to its default (consent's is the strictest: everything pending), an
 * invalid destination is left out alone. Only a wrong `version` rejects the whole config.
 */
export function parseConfig(input: unknown, { side = 'page' }: { side?: 'page' | 'relay' } = {}): LoadedConfig {
  const issues: ConfigIssue[] = [];
  const config: Record<string, unknown> = { version: 1 };
  const destinations: ValidDestination[] = [];
  const notes: LoadedConfig['notes'] = [];
  const rejected = (): LoadedConfig => ({ config: { version: 1 }, destinations, issues, notes });
  if (!isPlainObject(input)) {
    issues.push({ code: 'invalid_type', path: '(root)', message: 'expected a JSON object' });
    return rejected();
  }
  if (!hasOwn(input, 'version')) issues.push({ code: 'invalid_type', path: 'version', message: 'missing: expected 1' });
  else issues.push(...validate(sections.version!, input.version, ['version']));
  if (issues.length) return rejected();
  for (const key of Object.keys(input)) {
    if (BY_ENTRY.has(key)) continue;
    if (!hasOwn(sections, key)) {
      issues.push({ code: 'unrecognized_keys', path: key, message: `unknown key "${key}" (ignored)` });
      continue;
    }
    const problems = validate(sections[key]!, input[key], [key]);
    if (problems.length) issues.push(...problems);
    else config[key] = toJsonSafe(input[key]);
  }
  const consent = (config as Config).consent;
  if (consent?.source === 'page' && consent.banner) {
    // acquaint's banner needs the record that "page" gives up: asked on every page otherwise.
    issues.push({
      code: 'invalid_value',
      path: 'consent.banner',
      message: 'needs acquaint\'s own consent record, which consent.source "page" turns off: the banner is off',
    });
    delete consent.banner;
  }
  const declared = new Set<string>([...BUILT_IN_PURPOSES, ...Object.keys((config as Config).consent?.defaults ?? {})]);
  const list = input.destinations;
  if (list !== undefined && !Array.isArray(list)) {
    issues.push({ code: 'invalid_type', path: 'destinations', message: 'expected array' });
  } else if (list) {
    list.forEach((entry, index) => {
      const destination = parseDestination(entry, index, declared, destinations, (config as Config).relay);
      if ('issues' in destination) return void issues.push(...destination.issues);
      destinations.push(destination);
      if (!BUILT_IN_TYPES.includes(destination.type)) {
        notes.push({
          code: 'custom_type',
          type: destination.type,
          path: formatPath(['destinations', index, 'type']),
          message: `"${destination.type}" is not a built-in type (${BUILT_IN_TYPES.join(', ')}): its events wait for acquaint.register({ type: "${destination.type}", create })`,
        });
      }
    });
  }
  const tags = rawTags(input);
  const personalize = input.personalize === undefined ? undefined : toJsonSafe(input.personalize);
  return {
    config: config as LoadedConfig['config'],
    ...(tags ? { tags } : {}),
    ...(personalize !== undefined ? { personalize } : {}),
    // The relay reads the destinations as written; the page sends server-mode ones to the relay.
    destinations: side === 'relay' ? destinations : pageRoutes(destinations, (config as Config).relay),
    issues,
    notes,
  };
}

/** The config (or a promise of it), checked; when it cannot be had, `unavailable` hears why and an empty one applies. */
export function loadConfig(input: unknown, unavailable: (message: string) => void): Promise<LoadedConfig> {
  return Promise.resolve(input).then(parseConfig, (error: unknown) => {
    unavailable(error instanceof Error ? error.message : String(error));
    return parseConfig({ version: 1 });
  });
}

function rawTags(input: Record<string, unknown>): RawTags | undefined {
  const { triggers, variables, tagging } = input;
  if (triggers === undefined && variables === undefined && tagging === undefined) return undefined;
  return toJsonSafe({ triggers, variables, tagging }) as RawTags;
}

function parseDestination(
  entry: unknown,
  index: number,
  declared: ReadonlySet<string>,
  accepted: readonly ValidDestination[],
  relay: RelayConfig | undefined,
): ValidDestination | { issues: ConfigIssue[] } {
  const at = ['destinations', index];
  const envelopeIssues = validate(destinationJson, entry, at);
  if (envelopeIssues.length) return { issues: envelopeIssues };
  const parsed = toJsonSafe(entry) as ValidDestination;
  const { id, type, purposes, settings, mode } = parsed;
  const fail = (path: PropertyKey[], message: string) => ({
    issues: [{ code: 'invalid_value', path: formatPath([...at, ...path]), message }],
  });
  if (accepted.some((d) => d.id === id)) return fail(['id'], `duplicate destination id "${id}"`);
  const undeclared = purposes.findIndex((p) => !declared.has(p));
  if (undeclared >= 0) {
    return fail(['purposes', undeclared], `unknown purpose "${purposes[undeclared]}": declare it in consent.defaults`);
  }
  if (mode && mode !== 'browser') {
    if (!modesOf(type).includes(mode)) return fail(['mode'], `type "${type}" has no "${mode}" mode`);
    if (!relay) return fail(['mode'], `"${mode}" sends this destination's events to the relay: add relay.url`);
  }
  // A registered type checks its own settings when it arrives (its adapter's init).
  const settingsIssues = hasOwn(settingsJson, type) ? validate(settingsJson[type]!, settings, [...at, 'settings']) : [];
  if (settingsIssues.length) return { issues: settingsIssues };
  return parsed;
}
