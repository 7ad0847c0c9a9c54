import * as z from 'zod/mini';
import { parseConfig } from '../config/load';
import { relayIssues } from '../config/relay-checks';
import { parseTags } from '../triggers/load-tags';
import { parsePersonalize } from '../config/load-personalize';
import type { ConfigIssue } from '../config/report';
import { formatPath } from '../config/report';
import { schemas } from './config-sources';
import { nearest } from '../lib/distance';
import { isPlainObject } from '../lib/is';
import { checkTags } from '../triggers/check';

/** One problem in a config file: where, what, and what to do about it. */
export interface Finding {
  path: string;
  message: string;
  hint?: string;
}

export interface ConfigReport {
  errors: Finding[];
  /** Not errors: e.g. a destination type that waits for `acquaint.register`. */
  notes: Finding[];
}

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

// The schema at a path, to name the keys allowed there (through optional, array, record and union).
function schemaAt(schema: Schema | undefined, path: readonly PropertyKey[]): Schema[] {
  if (!schema) return [];
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') return schemaAt(def.innerType as Schema, path);
  if (def.type === 'union') return (def.options as Schema[]).flatMap((option) => schemaAt(option, path));
  if (!path.length) return [schema];
  const [key, ...rest] = path;
  if (def.type === 'object') return schemaAt((def.shape as Record<string, Schema>)[String(key)], rest);
  if (def.type === 'array') return schemaAt(def.element as Schema, rest);
  if (def.type === 'record') return schemaAt(def.valueType as Schema, rest);
  return [];
}

const knownKeys = (schema: Schema, path: readonly PropertyKey[]): string[] =>
  schemaAt(schema, path).flatMap((s) => {
    const def = s._zod.def as unknown as { type: string; shape?: Record<string, unknown> };
    return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
  });

function unknownKeyHint(key: string, keys: readonly string[]): string {
  const near = nearest(key, keys);
  if (near) return `did you mean "${near}"?`;
  return keys.length ? `remove it; allowed here: ${keys.join(', ')}` : 'remove it';
}

function hintFor(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `add it (${issue.expected})` : `write a ${issue.expected} here`;
    case 'invalid_value':
      return `use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
    case 'too_big':
      return 'see the limits in the README for this key';
    default:
      return undefined;
  }
}

// A union's message says little: report the problems of the branch closest to the value.
function flatten(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || !issue.errors.length) return [issue];
  const branches = issue.errors.filter((errors) => !errors.some((e) => e.code === 'invalid_type' && e.path.length === 0));
  if (branches.length !== 1) return [issue];
  return branches[0]!.flatMap((e) => flatten({ ...e, path: [...issue.path, ...e.path] }));
}

function check(schema: Schema, value: unknown, at: readonly PropertyKey[]): Finding[] {
  const result = z.safeParse(schema, value);
  if (result.success) return [];
  return result.error.issues.flatMap(flatten).flatMap((issue): Finding[] => {
    // One finding per unknown key, at the key itself, as the page reports it.
    if (issue.code === 'unrecognized_keys') {
      const keys = knownKeys(schema, issue.path);
      return issue.keys.map((key) => ({
        path: formatPath([...at, ...issue.path, key]),
        message: `unknown key "${key}"`,
        hint: unknownKeyHint(key, keys),
      }));
    }
    const hint = hintFor(issue);
    return [{ path: formatPath([...at, ...issue.path]), message: issue.message, ...(hint ? { hint } : {}) }];
  });
}

// "…: did you mean {{x}}?" reads better as a hint of its own.
function withHint({ path, message }: { path: string; message: string }): Finding {
  const at = message.indexOf(': did you mean ');
  return at < 0 ? { path, message } : { path, message: message.slice(0, at), hint: message.slice(at + 2) };
}

/**
 * Checks a config file's text the way the page will, with the zod schema itself: the whole
 * config, each built-in destination's settings, and what only the runtime checks (duplicate
 * ids, undeclared purposes), each problem with its JSON path and a hint.
 */
export function checkConfig(text: string): ConfigReport {
  z.config(z.locales.en());
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    return {
      errors: [{ path: '(root)', message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` }],
      notes: [],
    };
  }
  const errors = check(schemas.config, input, []);
  const destinations = isPlainObject(input) && Array.isArray(input.destinations) ? input.destinations : [];
  destinations.forEach((entry, index) => {
    if (!isPlainObject(entry) || typeof entry.type !== 'string') return;
    const settings = (schemas.settings as Record<string, Schema>)[entry.type];
    if (settings) errors.push(...check(settings, entry.settings, ['destinations', index, 'settings']));
  });
  // What zod cannot see (duplicate ids, purposes not declared) comes from the runtime's own check.
  const loaded = parseConfig(input);
  const covered = (path: string) => errors.some((e) => e.path === path || e.path.startsWith(`${path}.`) || e.path.startsWith(`${path}[`));
  for (const issue of loaded.issues) if (!covered(issue.path)) errors.push({ path: issue.path, message: issue.message });
  // Secrets written in the file, and the server-mode destinations' secret variables: what the relay refuses.
  for (const issue of relayIssues(input, parseConfig(input, { side: 'relay' }).destinations))
    if (!covered(issue.path)) errors.push({ path: issue.path, message: issue.message });
  // Unknown {{names}}, cycles and regexes: the triggers file's own check (selectors need a page).
  if (loaded.tags) {
    const issues: ConfigIssue[] = [];
    const checked = checkTags(parseTags(loaded.tags, issues));
    for (const issue of [...issues, ...checked.issues]) if (!covered(issue.path)) errors.push(withHint(issue));
  }
  // Audiences named by `personalize` and the class it needs: acquaint-audiences.js's own check.
  const personalizeIssues: ConfigIssue[] = [];
  parsePersonalize(loaded.personalize, loaded.config.audiences ?? [], personalizeIssues);
  for (const issue of personalizeIssues) if (!covered(issue.path)) errors.push({ path: issue.path, message: issue.message });
  const notes = loaded.notes.map(({ path, message }) => ({ path, message }));
  return { errors, notes };
}
