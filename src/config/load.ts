import { isPlainObject } from '../lib/is';
import { destinationTypes } from '../destinations/registry';
import { BUILT_IN_PURPOSES, configSchema, destinationSchema, type Config, type DestinationConfig } from './schema';
import { formatPath, toConfigIssues, type ConfigIssue } from './report';

/** A destination whose envelope and settings both passed. */
export interface ValidDestination extends DestinationConfig {
  settings: unknown;
}

export interface LoadedConfig {
  config: Omit<Config, 'destinations'>;
  destinations: ValidDestination[];
  issues: ConfigIssue[];
}

const sections = configSchema.shape;
// Issues carry the offending value, so messages can say "got 2".
const WITH_INPUT = { reportInput: true } as const;
type Section = Exclude<keyof typeof sections, 'destinations'>;

/**
 * Validates a config section by section so one mistake costs only its own part: an invalid
 * section falls back to its default (consent's is the strictest: everything pending), an
 * invalid destination is left out alone. Only a wrong `version` rejects the whole config.
 */
export function parseConfig(input: unknown): LoadedConfig {
  const issues: ConfigIssue[] = [];
  const config: Record<string, unknown> = {};
  const destinations: ValidDestination[] = [];
  if (!isPlainObject(input)) {
    issues.push({ code: 'invalid_type', path: '(root)', message: 'expected a JSON object' });
    return { config: { version: 1 }, destinations, issues };
  }
  const version = sections.version.safeParse(input.version, WITH_INPUT);
  if (!version.success) {
    issues.push(...toConfigIssues(version.error.issues, ['version']));
    return { config: { version: 1 }, destinations, issues };
  }
  for (const key of Object.keys(input)) {
    if (key === 'destinations') continue;
    if (!Object.prototype.hasOwnProperty.call(sections, key)) {
      issues.push({ code: 'unrecognized_keys', path: key, message: `unknown key "${key}" (ignored)` });
      continue;
    }
    const result = sections[key as Section].safeParse(input[key], WITH_INPUT);
    if (result.success) config[key] = result.data;
    else issues.push(...toConfigIssues(result.error.issues, [key]));
  }
  const declared = new Set<string>([...BUILT_IN_PURPOSES, ...Object.keys((config as Config).consent?.defaults ?? {})]);
  const list = input.destinations;
  if (list !== undefined && !Array.isArray(list)) {
    issues.push({ code: 'invalid_type', path: 'destinations', message: 'expected array' });
  } else if (list) {
    list.forEach((entry, index) => {
      const destination = parseDestination(entry, index, declared, destinations);
      if ('issues' in destination) issues.push(...destination.issues);
      else destinations.push(destination);
    });
  }
  return { config: config as LoadedConfig['config'], destinations, issues };
}

function parseDestination(
  entry: unknown,
  index: number,
  declared: ReadonlySet<string>,
  accepted: readonly ValidDestination[],
): ValidDestination | { issues: ConfigIssue[] } {
  const at = ['destinations', index];
  const envelope = destinationSchema.safeParse(entry, WITH_INPUT);
  if (!envelope.success) return { issues: toConfigIssues(envelope.error.issues, at) };
  const { id, type, purposes } = envelope.data;
  const fail = (path: PropertyKey[], message: string) => ({
    issues: [{ code: 'invalid_value', path: formatPath([...at, ...path]), message }],
  });
  if (accepted.some((d) => d.id === id)) return fail(['id'], `duplicate destination id "${id}"`);
  const kind = Object.prototype.hasOwnProperty.call(destinationTypes, type) ? destinationTypes[type] : undefined;
  if (!kind) return fail(['type'], `unknown destination type "${type}" (known: ${Object.keys(destinationTypes).join(', ')})`);
  const undeclared = purposes.findIndex((p) => !declared.has(p));
  if (undeclared >= 0) {
    return fail(['purposes', undeclared], `unknown purpose "${purposes[undeclared]}": declare it in consent.defaults`);
  }
  const settings = kind.settings.safeParse(envelope.data.settings, WITH_INPUT);
  if (!settings.success) return { issues: toConfigIssues(settings.error.issues, [...at, 'settings']) };
  return { ...envelope.data, settings: settings.data };
}
