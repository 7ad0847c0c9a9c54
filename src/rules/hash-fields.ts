import type { AcquaintEvent } from '../events/event';
import { isPlainObject } from '../lib/is';
import { isSha256Hex, normaliseForHash } from '../lib/normalise';
import { valueAt } from './match';

// A copy of `root` with `value` at `path` (or the key removed for undefined); the rest shared.
function setAt(root: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [key, ...rest] = path as [string, ...string[]];
  const out = { ...root };
  if (!rest.length) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  } else if (isPlainObject(root[key])) {
    out[key] = setAt(root[key], rest, value);
  }
  return out;
}

/**
 * The event with each named path replaced by the SHA-256 of its normalised value, and how many
 * were. Without SubtleCrypto the field is left out: it never leaves in the clear. Already
 * hashed values stay.
 */
export async function hashFields(
  event: AcquaintEvent,
  paths: readonly string[],
  sha256: ((text: string) => Promise<string>) | undefined,
): Promise<{ event: AcquaintEvent; count: number }> {
  let out = event as unknown as Record<string, unknown>;
  let count = 0;
  for (const path of paths) {
    const segments = path.split('.');
    const value = valueAt(out, segments);
    if (value === undefined || value === null || isSha256Hex(value)) continue;
    out = setAt(out, segments, sha256 ? await sha256(normaliseForHash(value)) : undefined);
    count++;
  }
  return { event: out as unknown as AcquaintEvent, count };
}
