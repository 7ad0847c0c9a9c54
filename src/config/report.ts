import type * as z from 'zod/mini';

type Issue = z.core.$ZodIssue;

/** One problem found in outside input, with the dot path of the field it concerns. */
export interface ConfigIssue {
  code: string;
  path: string;
  message: string;
}

/** `['destinations', 1, 'settings', 'url']` → `destinations[1].settings.url`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

// zod/mini ships no locale, so every issue would read "Invalid input"; say what was wrong.
function explain(issue: Issue): string {
  // A message written in the schema says it best.
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `missing: expected ${issue.expected}`
        : `expected ${issue.expected}, got ${describe(issue.input)}`;
    case 'invalid_value':
      if (issue.input === undefined) return `missing: expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${JSON.stringify(issue.input)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'too_small':
      return issue.origin === 'string' || issue.origin === 'array'
        ? `too short: at least ${issue.minimum} ${issue.origin === 'array' ? 'item(s)' : 'character(s)'}`
        : `too small: at least ${issue.minimum}`;
    case 'too_big':
      return `too big: at most ${issue.maximum}`;
    case 'invalid_format':
      return `invalid ${issue.format}`;
    case 'invalid_key':
      return `invalid key: ${issue.issues.map(explain).join('; ')}`;
    default:
      return issue.message;
  }
}

/** Turns zod issues into ConfigIssues, prefixing each path with `base`. */
export function toConfigIssues(issues: readonly Issue[], base: readonly PropertyKey[] = []): ConfigIssue[] {
  return issues.map((issue) => ({
    code: issue.code,
    path: formatPath([...base, ...issue.path]),
    message: explain(issue),
  }));
}

/** The one console line block the contract promises: one line per issue, each with its path. */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  const lines = issues.map((i) => `✖ ${i.message} → at ${i.path}`);
  return `acquaint: invalid config (${issues.length} problem${issues.length > 1 ? 's' : ''})\n${lines.join('\n')}`;
}
