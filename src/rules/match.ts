import type { AcquaintEvent } from '../events/event';

const escape = (text: string): string => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** A matcher for config patterns: `*` matches any run of characters, the rest literally. */
export function wildcard(patterns: readonly string[]): (text: string) => boolean {
  const regexes = patterns.map((pattern) => new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`));
  return (text) => regexes.some((regex) => regex.test(text));
}

/** The name rules match on: a track event's name, else its type (`page`, `identify`). */
export function eventName(event: AcquaintEvent): string {
  return event.type === 'track' ? (event.event ?? '') : event.type;
}

/** A dot path's value in a plain-data tree, own keys only. */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
