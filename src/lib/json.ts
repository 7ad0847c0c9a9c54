import { isPlainObject, isUnsafeKey } from './is';
import type { SyncStore } from './platform';

const MAX_DEPTH = 32;

const walking: object[] = [];

/**
 * A copy of `value` that JSON.stringify can always write and that later page changes cannot
 * alter: cycles, functions, symbols and exotic objects are dropped, Dates become ISO
 * strings, non-finite numbers null, bigints strings. `omitKey` is left out at the top level.
 */
export function toJsonSafe(value: unknown, omitKey?: string): unknown {
  // One stack for every call (copy pushes and pops in pairs): no array per event.
  walking.length = 0;
  return copy(value, walking, 0, omitKey);
}

// `within`: the objects being copied around this value. A value that is one of them is a cycle;
// a short array, as deep as the value (32 at most), costs less than a WeakSet per call.
function copy(value: unknown, within: object[], depth: number, omitKey?: string): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= MAX_DEPTH || within.includes(value)) return undefined;
  if (Array.isArray(value)) {
    within.push(value);
    const out = value.map((item) => {
      const safe = copy(item, within, depth + 1);
      return safe === undefined ? null : safe;
    });
    within.pop();
    return out;
  }
  if (!isPlainObject(value)) return undefined;
  within.push(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (isUnsafeKey(key) || key === omitKey) continue;
    const safe = copy(value[key], within, depth + 1);
    if (safe !== undefined) out[key] = safe;
  }
  within.pop();
  return out;
}

/** What `local` keeps under `name`, parsed; undefined if nothing or not JSON (stored data is untrusted). */
export function readLocal(local: SyncStore, name: string): unknown {
  try {
    return JSON.parse(local.get(name) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}
