/**
 * Delay before retry number `attempt` (1 = the first retry): exponential with full jitter,
 * so many clients failing together do not come back together. Pure; `random` in [0, 1).
 */
export function backoff(attempt: number, baseMs: number, capMs: number, random: number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(random * ceiling);
}

// A server asking for more than a day is not asking for a retry at all.
const MAX_RETRY_AFTER_MS = 86_400_000;

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}
