import { isPlainObject, isUnsafeKey } from './is';

const MAX_DEPTH = 32;

/**
 * A copy of `value` that JSON.stringify can always write and that later page changes cannot
 * alter: cycles, functions, symbols and exotic objects are dropped, Dates become ISO
 * strings, non-finite numbers null, bigints strings. `omitKey` is left out at the top level.
 */
export function toJsonSafe(value: unknown, omitKey?: string): unknown {
  return copy(value, new WeakSet<object>(), 0, omitKey);
}

function copy(value: unknown, seen: WeakSet<object>, depth: number, omitKey?: string): unknown {
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
  if (depth >= MAX_DEPTH || seen.has(value)) return undefined;
  if (Array.isArray(value)) {
    seen.add(value);
    const out = value.map((item) => {
      const safe = copy(item, seen, depth + 1);
      return safe === undefined ? null : safe;
    });
    seen.delete(value);
    return out;
  }
  if (!isPlainObject(value)) return undefined;
  seen.add(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (isUnsafeKey(key) || key === omitKey) continue;
    const safe = copy(value[key], seen, depth + 1);
    if (safe !== undefined) out[key] = safe;
  }
  seen.delete(value);
  return out;
}
