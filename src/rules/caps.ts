import type { Cap } from '../config/schema';
import { isPlainObject } from '../lib/is';
import { wildcard } from './match';

/** Where cap counts live between pages: with the profile, once storage is allowed. */
export interface CapStore {
  read(): unknown;
  write(counts: CapCounts): void;
}

/** `destination|event|per` → the count in the current window (a session id, a local day, or ever). */
export type CapCounts = Record<string, { window: string; count: number }>;

const localDay = (now: number): string => {
  const date = new Date(now);
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
};

// Stored counts are outside input: keep only well-formed entries.
function readCounts(stored: unknown): CapCounts {
  const out: CapCounts = {};
  if (!isPlainObject(stored)) return out;
  for (const [key, entry] of Object.entries(stored)) {
    if (isPlainObject(entry) && typeof entry.window === 'string' && Number.isSafeInteger(entry.count))
      out[key] = { window: entry.window, count: entry.count as number };
  }
  return out;
}

/**
 * Frequency caps counted on the device: an event passes while every cap matching its name has
 * room in the current window, and then counts against each. The counts follow the profile
 * into storage (read once when it becomes available) and are erased with it.
 */
export function createCaps(store: CapStore, now: () => number) {
  let counts: CapCounts = {};
  let adopted = false;

  function adopt(): void {
    const stored = store.read();
    if (stored === undefined) return;
    adopted = true;
    // This page's counts so far add to what earlier pages counted in the same window.
    const merged = readCounts(stored);
    for (const [key, entry] of Object.entries(counts)) {
      const before = merged[key];
      merged[key] = before && before.window === entry.window ? { window: entry.window, count: before.count + entry.count } : entry;
    }
    counts = merged;
  }

  return {
    /** A destination's caps as one check: true (and counted) if the event may go. */
    forDestination(destination: string, caps: readonly Cap[]) {
      const matchers = caps.map((cap) => ({ cap, key: `${destination}|${cap.event}|${cap.per}`, matches: wildcard([cap.event]) }));
      return (name: string, sessionId: string): boolean => {
        if (!adopted) adopt();
        const applying = matchers.filter((m) => m.matches(name));
        if (!applying.length) return true;
        const windows = applying.map(({ cap }) => (cap.per === 'session' ? sessionId : cap.per === 'day' ? localDay(now()) : 'ever'));
        const full = applying.some(({ cap, key }, i) => counts[key]?.window === windows[i] && counts[key]!.count >= cap.max);
        if (full) return false;
        applying.forEach(({ key }, i) => {
          const entry = counts[key];
          const window = windows[i]!;
          counts[key] = { window, count: entry?.window === window ? entry.count + 1 : 1 };
        });
        store.write(counts);
        return true;
      };
    },
    /** Storage was just allowed: what this page counted so far is kept from now on. */
    persist(): void {
      if (!adopted) adopt();
      if (Object.keys(counts).length) store.write(counts);
    },
    /** Erasure: counting starts again. */
    clear(): void {
      counts = {};
      adopted = false;
    },
  };
}

export type Caps = ReturnType<typeof createCaps>;

/** No caps counted: a container whose config has none (config/build-features.ts), and the relay (caps are counted on the device). */
export const NO_CAPS: Caps = { forDestination: () => () => true, persist: () => undefined, clear: () => undefined };
