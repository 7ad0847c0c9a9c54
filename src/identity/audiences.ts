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
  /** The visitor's current session as the audiences first saw it: `inSession` counts from `start`. */
  session?: { id: string; start: number };
  /** When each member of an audience with `expiresAfterDays` entered. */
  entered?: Record<string, number>;
  /** When such a membership expired: only later events count towards entering again. */
  expired?: Record<string, number>;
}

export interface HistoryLimits {
  maxEvents: number;
  maxAgeMs: number;
}

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

function readPath(source: Record<string, unknown>, path: string): unknown {
  let node: unknown = source;
  for (const key of path.split('.')) {
    if (!isPlainObject(node) && !Array.isArray(node)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Where the evidence for a condition starts: events older than `floor` do not count. */
interface Window {
  now: number;
  sessionStart: number;
  floor: number;
}

function holds(
  condition: AudienceCondition,
  history: readonly HistoryEntry[],
  traits: Record<string, unknown>,
  { now, sessionStart, floor }: Window,
): boolean {
  let result: boolean;
  if (condition.event !== undefined) {
    const since = Math.max(
      floor,
      condition.withinDays === undefined ? -Infinity : now - condition.withinDays * DAY,
      condition.withinMinutes === undefined ? -Infinity : now - condition.withinMinutes * MINUTE,
      condition.inSession ? sessionStart : -Infinity,
    );
    const where = Object.entries(condition.where ?? {});
    const count = history.filter(
      (h) => h.e === condition.event && h.t >= since && where.every(([path, value]) => h.p[path] === value),
    ).length;
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

// A session ends only with the next event (identity starts the new one), so `inSession` needs no clock.
const isTimed = (c: AudienceCondition): boolean => c.event !== undefined && (c.withinDays !== undefined || c.withinMinutes !== undefined);

/** audience id → ms, from storage (untrusted). */
function times(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (isPlainObject(value)) for (const [id, at] of Object.entries(value)) if (typeof at === 'number') out[id] = at;
  return out;
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
  const noteSession = (id: string, now: number): void => {
    if (state.session?.id !== id) state.session = { id, start: now };
  };

  return {
    get members(): string[] {
      return state.members.slice();
    },
    get state(): AudienceState {
      return state;
    },
    /** Keeps the event if a rule reads it; returns whether the history changed. */
    record(name: string, properties: Record<string, unknown>, now: number, sessionId?: string): boolean {
      if (sessionId !== undefined) noteSession(sessionId, now);
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
    evaluate(
      traits: Record<string, unknown>,
      now: number,
      sessionId?: string,
    ): { members: string[]; entered: string[]; left: string[] } | undefined {
      if (sessionId !== undefined) noteSession(sessionId, now);
      const sessionStart = state.session?.start ?? now;
      const entries = (state.entered ??= {});
      const expired = (state.expired ??= {});
      const members = audiences
        .filter((a) => {
          const window = { now, sessionStart, floor: expired[a.id] === undefined ? -Infinity : expired[a.id]! + 1 };
          const member =
            Boolean(a.all?.length || a.any?.length) &&
            (a.all ?? []).every((c) => holds(c, state.history, traits, window)) &&
            (!a.any?.length || a.any.some((c) => holds(c, state.history, traits, window)));
          if (!member || a.expiresAfterDays === undefined) {
            delete entries[a.id];
            return member;
          }
          const since = (entries[a.id] ??= now);
          if (now - since < a.expiresAfterDays * DAY) return true;
          // "In market" for a while, not forever: out now, and back in only on new evidence.
          delete entries[a.id];
          expired[a.id] = now;
          return false;
        })
        .map((a) => a.id);
      const entered = members.filter((id) => !state.members.includes(id));
      const left = state.members.filter((id) => !members.includes(id));
      state.members = members;
      return entered.length || left.length ? { members, entered, left } : undefined;
    },
    /** Whether membership may change by time alone (a window or an expiry), with no new event. */
    timed: audiences.some((a) => a.expiresAfterDays !== undefined || [...(a.all ?? []), ...(a.any ?? [])].some(isTimed)),
    /** A stored state read back (untrusted), joined to what this page recorded before it was read. */
    restore(stored: unknown): void {
      if (!isPlainObject(stored) || !Array.isArray(stored.history) || !Array.isArray(stored.members)) return;
      const history = stored.history.filter(
        (h): h is HistoryEntry => isPlainObject(h) && typeof h.e === 'string' && typeof h.t === 'number' && isPlainObject(h.p),
      );
      const { session, entered, expired } = stored;
      const members = stored.members.filter((m): m is string => typeof m === 'string');
      const storedSession =
        isPlainObject(session) && typeof session.id === 'string' && typeof session.start === 'number'
          ? { id: session.id, start: session.start }
          : undefined;
      // The same session seen earlier by a previous page: it started then.
      const current = storedSession && (!state.session || storedSession.id === state.session.id) ? storedSession : state.session;
      state = {
        history: [...history, ...state.history].sort((a, b) => a.t - b.t).slice(-limits.maxEvents),
        members: [...members, ...state.members.filter((m) => !members.includes(m))],
        ...(current ? { session: current } : {}),
        entered: { ...times(entered), ...state.entered },
        expired: { ...times(expired), ...state.expired },
      };
    },
    clear(): void {
      state = { history: [], members: [] };
    },
  };
}

export type Audiences = ReturnType<typeof createAudiences>;
