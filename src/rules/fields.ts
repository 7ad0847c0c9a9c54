import type { AcquaintEvent } from '../events/event';
import { isPlainObject } from '../lib/is';

// Context the rules themselves control (consent stamp, library, opted-in audiences): always kept.
const KEPT_CONTEXT = ['consent', 'library', 'audiences'];

type Segments = string[][];

const matches = (pattern: string[], path: readonly string[], length: number): boolean => {
  for (let i = 0; i < length; i++) if (pattern[i] !== '*' && pattern[i] !== path[i]) return false;
  return true;
};

// Keeps the parts of `value` (at `path`) that some pattern names; arrays are transparent.
function pick(value: unknown, path: string[], patterns: Segments): unknown {
  if (patterns.some((p) => p.length <= path.length && matches(p, path, p.length))) return value;
  if (Array.isArray(value)) return value.map((item) => pick(item, path, patterns)).filter((item) => item !== undefined);
  if (!isPlainObject(value)) return undefined;
  const out: Record<string, unknown> = {};
  let kept = false;
  for (const key of Object.keys(value)) {
    const child = [...path, key];
    if (!patterns.some((p) => p.length > path.length && matches(p, child, child.length))) continue;
    const picked = pick(value[key], child, patterns);
    if (picked !== undefined) {
      out[key] = picked;
      kept = true;
    }
  }
  return kept || path.length === 1 ? out : undefined;
}

/**
 * Data minimisation: the event with only the allowed paths of `properties`, `traits` and
 * `context` (`*` matches one key; naming a parent keeps its subtree). The envelope (type,
 * name, ids, timestamp) stays.
 */
export function pickFields(event: AcquaintEvent, allowed: readonly string[]): AcquaintEvent {
  const patterns = allowed.map((path) => path.split('.'));
  const context = pick(event.context, ['context'], patterns) as Record<string, unknown>;
  for (const key of KEPT_CONTEXT) if (key in event.context) context[key] = event.context[key as keyof AcquaintEvent['context']];
  const out = { ...event, properties: pick(event.properties, ['properties'], patterns), context } as AcquaintEvent;
  if (event.traits) out.traits = pick(event.traits, ['traits'], patterns) as Record<string, unknown>;
  return out;
}
