import type { Audience, AudienceCondition } from '../config/schema';
import { isPlainObject } from '../lib/is';

type Scalar = string | number | boolean;

/** One event of the visitor's history, kept on the device with only the properties rules read. */
export interface HistoryEntry {
  e: string;
  t: number;
  p: Record<string, Scalar>;
}

export interface AudienceState {
  history: HistoryEntry[];
  members: string[];
}

export interface HistoryLimits {
  maxEvents: number;
  maxAgeMs: number;
}

const DAY = 86_400_000;

function readPath(source: Record<string, unknown>, path: string): unknown {
  let node: unknown = source;
  for (const key of path.split('.')) {
    if (!isPlainObject(node) && !Array.isArray(node)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function holds(condition: AudienceCondition, history: readonly HistoryEntry[], traits: Record<string, unknown>, now: number): boolean {
  let result: boolean;
  if (condition.event !== undefined) {
    const since = condition.withinDays === undefined ? -Infinity : now - condition.withinDays * DAY;
    const where = Object.entries(condition.where ?? {});
    const count = history.filter((h) => h.e === condition.event && h.t >= since && where.every(([path, value]) => h.p[path] === value)).length;
    result = count >= (condition.minCount ?? 1);
  } else if (condition.trait !== undefined) {
    const value = Object.prototype.hasOwnProperty.call(traits, condition.trait) ? traits[condition.trait] : undefined;
    if (condition.equals !== undefined) result = value === condition.equals;
    else result = (value !== undefined && value !== null) === (condition.exists ?? true);
  } else {
    result = false;
  }
  return condition.negate ? !result : result;
}

/**
 * On-device audiences (issue: "marketing 1:1 without being creepy"): rules over the visitor's
 * own history and traits, evaluated in the page. The history keeps only the events and the
 * property paths that some rule reads, bounded in count and age.
 */
export function createAudiences(audiences: readonly Audience[], limits: HistoryLimits) {
  const wanted = new Map<string, Set<string>>();
  for (const audience of audiences) {
    for (const condition of [...(audience.all ?? []), ...(audience.any ?? [])]) {
      if (condition.event === undefined) continue;
      const paths = wanted.get(condition.event) ?? new Set<string>();
      for (const path of Object.keys(condition.where ?? {})) paths.add(path);
      wanted.set(condition.event, paths);
    }
  }
  let state: AudienceState = { history: [], members: [] };

  return {
    get members(): string[] {
      return state.members.slice();
    },
    get state(): AudienceState {
      return state;
    },
    /** Keeps the event if a rule reads it; returns whether the history changed. */
    record(name: string, properties: Record<string, unknown>, now: number): boolean {
      const paths = wanted.get(name);
      if (!paths) return false;
      const picked: Record<string, Scalar> = {};
      for (const path of paths) {
        const value = readPath(properties, path);
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') picked[path] = value;
      }
      state.history.push({ e: name, t: now, p: picked });
      const oldest = now - limits.maxAgeMs;
      state.history = state.history.filter((h) => h.t >= oldest).slice(-limits.maxEvents);
      return true;
    },
    /** Re-evaluates every audience; returns who entered and left, or undefined if nothing changed. */
    evaluate(traits: Record<string, unknown>, now: number): { members: string[]; entered: string[]; left: string[] } | undefined {
      const members = audiences
        .filter((a) => (a.all?.length || a.any?.length) && (a.all ?? []).every((c) => holds(c, state.history, traits, now)) && (!a.any?.length || a.any.some((c) => holds(c, state.history, traits, now))))
        .map((a) => a.id);
      const entered = members.filter((id) => !state.members.includes(id));
      const left = state.members.filter((id) => !members.includes(id));
      state.members = members;
      return entered.length || left.length ? { members, entered, left } : undefined;
    },
    /** A stored state read back (untrusted). */
    restore(stored: unknown): void {
      if (!isPlainObject(stored) || !Array.isArray(stored.history) || !Array.isArray(stored.members)) return;
      const history = stored.history.filter((h): h is HistoryEntry => isPlainObject(h) && typeof h.e === 'string' && typeof h.t === 'number' && isPlainObject(h.p));
      state = { history: history.slice(-limits.maxEvents), members: stored.members.filter((m): m is string => typeof m === 'string') };
    },
    clear(): void {
      state = { history: [], members: [] };
    },
  };
}

export type Audiences = ReturnType<typeof createAudiences>;
