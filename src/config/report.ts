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

/** The one console line block the contract promises: one line per issue, each with its path. */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  const lines = issues.map((i) => `✖ ${i.message} → at ${i.path}`);
  return `acquaint: invalid config (${issues.length} problem${issues.length > 1 ? 's' : ''})\n${lines.join('\n')}`;
}
