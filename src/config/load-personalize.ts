import { personalize as entryJson } from 'virtual:config-schemas';
import { toJsonSafe } from '../lib/json';
import { formatPath, type ConfigIssue } from './report';
import type { Audience, Personalize } from './schema';
import { validate } from './validate';

/** A checked `personalize` entry, with its path in the config (for issues only the page can find). */
export interface PersonalizeEntry {
  path: string;
  entry: Personalize;
}

/**
 * `personalize`, entry by entry: one that is malformed, names an audience the config lacks, or
 * asks for a class without naming it is left out alone (its issue says where); the rest work.
 * Selectors need a page: `compiles`, where there is one.
 */
export function parsePersonalize(
  list: unknown,
  audiences: readonly Pick<Audience, 'id'>[],
  issues: ConfigIssue[],
  compiles?: (selector: string) => boolean,
): PersonalizeEntry[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    issues.push({ code: 'invalid_type', path: 'personalize', message: 'expected array' });
    return [];
  }
  return list.flatMap((raw: unknown, index) => {
    const at = (key?: string): string => formatPath(['personalize', index, ...(key ? [key] : [])]);
    const problems = validate(entryJson, raw, ['personalize', index]);
    if (problems.length) {
      issues.push(...problems);
      return [];
    }
    const entry = toJsonSafe(raw) as Personalize;
    const problem = checkEntry(entry, audiences, compiles);
    if (!problem) return [{ path: at(), entry }];
    issues.push({ code: 'invalid_value', path: at(problem[0]), message: problem[1] });
    return [];
  });
}

/** What is wrong with a well-formed entry, as [key, message]: the checks that span the config, and the page's. */
export function checkEntry(
  entry: Personalize,
  audiences: readonly Pick<Audience, 'id'>[],
  compiles?: (selector: string) => boolean,
): [string, string] | undefined {
  if (!audiences.some((a) => a.id === entry.audience)) return ['audience', `unknown audience "${entry.audience}": declare it in audiences`];
  if (entry.action === 'class' && !entry.class) return ['class', 'missing: "action": "class" needs the class to add, like "class": "vip"'];
  if (compiles && !compiles(entry.selector)) return ['selector', `invalid CSS selector ${JSON.stringify(entry.selector)}`];
  return undefined;
}
