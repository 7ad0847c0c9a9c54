import * as features from '../config/build-features';
import { formatPath, type ConfigIssue } from '../config/report';
import type { TriggerConfig, VariableConfig } from '../config/tags-schema';
import { nearest } from '../lib/distance';
import { builtInRoot, FIXED_NAMES, namesIn, SCOPED_BY } from './names';
import type { TagsConfig } from './types';

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

// The templates of a variable: only a lookup's input reads other names.
const variableNames = (variable: VariableConfig): string[] => (variable.type === 'lookup' ? namesIn(variable.input) : []);

function unknownName(name: string, variables: readonly string[]): string {
  const hint = nearest(name, [...variables, ...FIXED_NAMES]);
  return `unknown variable {{${name}}}${hint ? `: did you mean {{${hint}}}?` : ''}`;
}

/**
 * What the schema cannot see in `variables` and `triggers`: unknown `{{names}}` (with a
 * did-you-mean), variable cycles, names a trigger of this type never sets, regexes and, where
 * `compiles` is given (in the page), selectors. A variable or trigger with a problem is left
 * out; whatever used a left-out variable is left out too. Pure: used by the page and the CLI.
 * A container's config was checked when it was built: in it, only the selectors are (they
 * need this page's engine), and the code for the rest is left out.
 */
export function checkTags(tags: TagsConfig, compiles?: (selector: string) => boolean): { tags: TagsConfig; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const add = (path: PropertyKey[] | string, message: string, code = 'invalid_value'): void =>
    void issues.push({ code, path: typeof path === 'string' ? path : formatPath(path), message });
  const variables: Record<string, VariableConfig> = { ...tags.variables };
  const names = Object.keys(variables);
  const bad = new Set<string>();

  for (const name of names) {
    const variable = variables[name]!;
    if (variable.type === 'dom' && compiles && !compiles(variable.selector))
      add(['variables', name, 'selector'], `invalid CSS selector ${JSON.stringify(variable.selector)}`);
    else if (features.configAtRuntime)
      for (const used of variableNames(variable))
        if (!builtInRoot(used) && !hasOwn(variables, used)) add(['variables', name, 'input'], unknownName(used, names));
    if (issues.some((issue) => issue.path.startsWith(`variables.${name}.`))) bad.add(name);
  }
  // Cycles: a variable that reaches itself through lookups.
  const visit = (name: string, trail: string[]): void => {
    if (trail.includes(name)) {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      if (!bad.has(name)) add(['variables', name, 'input'], `variable cycle ${cycle.join(' → ')}`);
      bad.add(name);
      return;
    }
    const variable = variables[name];
    if (!variable) return;
    for (const used of variableNames(variable)) if (hasOwn(variables, used)) visit(used, [...trail, name]);
  };
  if (features.configAtRuntime) for (const name of names) visit(name, []);
  // A variable that uses a left-out one is left out too (until nothing changes).
  for (let changed = true; changed;) {
    changed = false;
    for (const name of names) {
      if (bad.has(name) || !variableNames(variables[name]!).some((used) => bad.has(used))) continue;
      bad.add(name);
      changed = true;
      add(
        ['variables', name, 'input'],
        `uses a variable that has a problem (${variableNames(variables[name]!)
          .filter((used) => bad.has(used))
          .join(', ')})`,
      );
    }
  }
  for (const name of bad) delete variables[name];

  const known = (name: string): boolean => builtInRoot(name) !== undefined || hasOwn(variables, name);
  const nameProblem = (name: string, trigger: TriggerConfig): string | undefined => {
    if (bad.has(name)) return `{{${name}}} is left out: see variables.${name}`;
    if (!features.configAtRuntime) return undefined;
    if (!known(name)) return unknownName(name, Object.keys(variables));
    const scoped = SCOPED_BY[builtInRoot(name) ?? ''];
    return scoped && scoped !== trigger.type ? `{{${name}}} is set only by ${scoped} triggers, not by ${trigger.type}` : undefined;
  };

  const triggers = tags.triggers.filter(({ path, trigger }) => {
    const before = issues.length;
    if ('selector' in trigger && compiles && !compiles(trigger.selector))
      add(`${path}.selector`, `invalid CSS selector ${JSON.stringify(trigger.selector)}`);
    trigger.when?.forEach((condition, index) => {
      const at = `${path}.when[${index}]`;
      const problem = nameProblem(condition.var, trigger);
      if (problem) add(`${at}.var`, problem.replace(/\{\{(.*?)\}\}/g, '"$1"'));
      if (!features.configAtRuntime) return;
      if (condition.op === 'regex' && !compilesRegex(String(condition.value)))
        add(`${at}.value`, `invalid regular expression ${JSON.stringify(condition.value)}`);
      if ((condition.op === 'gt' || condition.op === 'lt') && !Number.isFinite(Number(condition.value)))
        add(`${at}.value`, `"${condition.op}" compares numbers: expected a number`);
    });
    for (const key of Object.keys(trigger.properties ?? {})) {
      for (const name of namesIn(trigger.properties![key])) {
        const problem = nameProblem(name, trigger);
        if (problem) add(`${path}.properties.${key}`, problem);
      }
    }
    return issues.length === before;
  });
  return { tags: { ...tags, variables, triggers }, issues };
}

function compilesRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
