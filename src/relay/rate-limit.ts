import type { RelayConfig } from '../config/schema';

/** The default: 600 requests a minute from one address (a busy office behind one NAT stays well under). */
export const DEFAULT_RATE_LIMIT = { requests: 600, windowSeconds: 60 };

/**
 * Requests per address in fixed windows, kept in this process's memory (the one thing that is:
 * contract §9). Returns, for a request, undefined (go on) or the seconds until the window ends.
 */
export function createRateLimit(config: RelayConfig['rateLimit'], now: () => number = Date.now) {
  if (config === false) return (): number | undefined => undefined;
  const requests = config?.requests ?? DEFAULT_RATE_LIMIT.requests;
  const windowMs = (config?.windowSeconds ?? DEFAULT_RATE_LIMIT.windowSeconds) * 1000;
  let windowStart = 0;
  let counts = new Map<string, number>();
  return (address: string): number | undefined => {
    const time = now();
    if (time - windowStart >= windowMs) {
      // A new window forgets every address: memory is bounded by one window's visitors.
      windowStart = time - (time % windowMs);
      counts = new Map();
    }
    const count = (counts.get(address) ?? 0) + 1;
    counts.set(address, count);
    return count > requests ? Math.max(1, Math.ceil((windowStart + windowMs - time) / 1000)) : undefined;
  };
}
