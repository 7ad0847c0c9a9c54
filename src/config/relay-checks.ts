import { secretEnvOf } from './destination-types';
import { isPlainObject } from '../lib/is';
import type { DestinationConfig } from './schema';
import { formatPath, type ConfigIssue } from './report';

// tags.json is public (the page fetches it): a secret written in it is a secret published.
const SECRET_KEY = /^(api[_-]?secret|access[_-]?token|auth[_-]?token|authorization|client[_-]?secret|password|private[_-]?key|secret)$/i;

function secretsIn(value: unknown, path: PropertyKey[], found: ConfigIssue[]): void {
  if (Array.isArray(value)) return value.forEach((item, index) => secretsIn(item, [...path, index], found));
  if (!isPlainObject(value)) return;
  for (const [key, inner] of Object.entries(value)) {
    // `headersEnv: { Authorization: "VAR" }` names variables: the one right way to give a secret.
    if (key.endsWith('Env')) continue;
    if (SECRET_KEY.test(key) && inner !== '' && inner != null) {
      found.push({
        code: 'secret_in_config',
        path: formatPath([...path, key]),
        message: `"${key}" holds a secret, and this file is public: put it in the relay's environment and name the variable (apiSecretEnv, accessTokenEnv or headersEnv)`,
      });
    } else secretsIn(inner, [...path, key], found);
  }
}

/**
 * What the relay needs of a config that the page does not check (contract §9): no secret in
 * any destination's settings, and each server-mode destination names its secret's variable.
 */
export function relayIssues(input: unknown, destinations: readonly DestinationConfig[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const list = isPlainObject(input) && Array.isArray(input.destinations) ? input.destinations : [];
  list.forEach((entry, index) => {
    if (isPlainObject(entry)) secretsIn(entry.settings, ['destinations', index, 'settings'], issues);
  });
  for (const destination of destinations) {
    const key = secretEnvOf(destination.type);
    const settings = destination.settings as Record<string, unknown> | undefined;
    if (!key || !destination.mode || destination.mode === 'browser' || settings?.[key]) continue;
    const index = list.findIndex((entry) => isPlainObject(entry) && entry.id === destination.id);
    issues.push({
      code: 'invalid_value',
      path: formatPath(['destinations', index, 'settings', key]),
      message: `mode "${destination.mode}" needs ${key}: the name of the relay's environment variable that holds the secret`,
    });
  }
  return issues;
}
