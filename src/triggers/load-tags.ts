import { trigger as triggerJson, variable as variableJson, variableName } from 'virtual:config-schemas';
import { isPlainObject } from '../lib/is';
import { toJsonSafe } from '../lib/json';
import type { TagsConfig } from './types';
import type { RawTags } from '../config/load';
import { formatPath, type ConfigIssue } from '../config/report';
import type { TriggerConfig, VariableConfig } from '../config/tags-schema';
import { validate, type JsonSchema } from '../config/validate';

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

// One entry against the schema of its own `type`: an unknown type is named as such.
function checkEntry(schemas: Record<string, JsonSchema>, entry: unknown, at: PropertyKey[], what: string): ConfigIssue[] {
  const types = Object.keys(schemas);
  if (!isPlainObject(entry)) return [{ code: 'invalid_type', path: formatPath(at), message: `expected object (a ${what})` }];
  const { type } = entry;
  if (typeof type !== 'string' || !hasOwn(schemas, type)) {
    const message =
      type === undefined
        ? `missing: expected one of ${types.join(', ')}`
        : `unknown ${what} type ${JSON.stringify(type)}: expected one of ${types.join(', ')}`;
    return [{ code: 'invalid_value', path: formatPath([...at, 'type']), message }];
  }
  return validate(schemas[type]!, entry, at);
}

/**
 * `variables`, `triggers` and `tagging`, entry by entry: a bad trigger or variable is left out
 * alone (its issues say where), the rest work. What needs the names or the page (unknown
 * `{{names}}`, cycles, selectors) is checked where the triggers start (triggers/check.ts).
 */
export function parseTags({ variables, triggers, tagging }: RawTags, issues: ConfigIssue[]): TagsConfig {
  const tags: TagsConfig = { variables: {}, triggers: [], tagging: false };
  if (tagging !== undefined) {
    if (typeof tagging === 'boolean') tags.tagging = tagging;
    else issues.push({ code: 'invalid_type', path: 'tagging', message: 'expected boolean' });
  }
  if (variables !== undefined && !isPlainObject(variables))
    issues.push({ code: 'invalid_type', path: 'variables', message: 'expected object (name → variable)' });
  else if (variables) {
    for (const name of Object.keys(variables)) {
      const at = ['variables', name];
      const badName = validate(variableName, name, at).map((issue) => ({
        ...issue,
        code: 'invalid_key',
        message: `invalid variable name "${name}": ${issue.message}`,
      }));
      const problems = badName.length ? badName : checkEntry(variableJson, variables[name], at, 'variable');
      if (problems.length) issues.push(...problems);
      else tags.variables[name] = toJsonSafe(variables[name]) as VariableConfig;
    }
  }
  if (triggers !== undefined && !Array.isArray(triggers))
    issues.push({ code: 'invalid_type', path: 'triggers', message: 'expected array' });
  else if (triggers) {
    triggers.forEach((entry, index) => {
      const problems = checkEntry(triggerJson, entry, ['triggers', index], 'trigger');
      if (problems.length) issues.push(...problems);
      else tags.triggers.push({ path: formatPath(['triggers', index]), trigger: toJsonSafe(entry) as TriggerConfig });
    });
  }
  return tags;
}
