import type { Config } from '../config/schema';
import type { AcquaintEvent } from '../events/event';
import { landingContext, landingFrom } from '../events/landing';
import type { Profile } from './profile';

export interface IdentityOptions {
  sessionTimeoutMs: number;
  /** An identity unused this long is not adopted: the visitor starts afresh. */
  idTtlMs: number;
  /** Also start a new session at local midnight (the visitor's timezone). */
  sessionEndsAtMidnight?: boolean;
}

const localDay = (ms: number): string => new Date(ms).toDateString();

export interface IdentityEnv {
  uuid(): string;
  now(): number;
  /** The page now: a new session's landing is its URL. */
  page(): { url: string };
}

/**
 * The visitor's ids in memory: anonymousId, userId, traits and a session that ends after
 * `sessionTimeoutMs` without activity, with the campaign of the URL it started on. Storage
 * and tabs are someone else's job (store.ts); this only says what the profile is now and how
 * it changes.
 */
export function createIdentity(env: IdentityEnv, initial: IdentityOptions, changed: (profile: Profile) => void) {
  let options = initial;
  const landing = () => landingFrom(env.page().url, env.now());
  const fresh = (): Profile => {
    const now = env.now();
    return {
      anonymousId: env.uuid(),
      userId: null,
      traits: {},
      sessionId: env.uuid(),
      lastActivity: now,
      updatedAt: now,
      landing: landing(),
    };
  };
  let profile = fresh();
  // Whether this page has set the user itself: then its identify wins over what storage holds.
  let identifiedHere = false;

  const update = (next: Profile): Profile => {
    profile = next;
    changed(profile);
    return profile;
  };

  return {
    /** The profile for an event happening now: starts a new session after inactivity. */
    touch(): Profile {
      const now = env.now();
      const idle = now - profile.lastActivity > options.sessionTimeoutMs;
      if (idle || (options.sessionEndsAtMidnight && localDay(now) !== localDay(profile.lastActivity)))
        profile = { ...profile, sessionId: env.uuid(), landing: landing() };
      profile.lastActivity = now;
      return profile;
    },
    get: (): Profile => profile,
    configure(next: IdentityOptions): void {
      options = next;
    },
    identify(userId: string, traits: Record<string, unknown>): Profile {
      identifiedHere = true;
      const sameUser = profile.userId === null || profile.userId === userId;
      return update({ ...profile, userId, traits: { ...(sameUser ? profile.traits : {}), ...traits }, updatedAt: env.now() });
    },
    /** Logout: a new anonymous identity, and a new session. */
    reset(): Profile {
      identifiedHere = false;
      return update(fresh());
    },
    /**
     * A profile from storage or another tab. Storage's is adopted unless it expired; a tab's
     * wins only if newer. What this page identified before storage was read is kept on top.
     * A session that continues keeps its landing; one that timed out starts here.
     */
    adopt(other: Profile, source: 'storage' | 'tab'): void {
      const now = env.now();
      if (source === 'storage' && now - other.lastActivity > options.idTtlMs) return;
      if (source === 'tab' && other.updatedAt <= profile.updatedAt) return;
      const session = now - other.lastActivity > options.sessionTimeoutMs ? { sessionId: env.uuid(), landing: landing() } : {};
      const mine = source === 'storage' && identifiedHere ? { userId: profile.userId, traits: { ...other.traits, ...profile.traits } } : {};
      profile = { ...other, ...session, lastActivity: Math.max(other.lastActivity, profile.lastActivity), ...mine };
    },
  };
}

export type Identity = ReturnType<typeof createIdentity>;

/** The identity options a config asks for, with the defaults. */
export function identityOptions(config: Config['identity']): IdentityOptions {
  return {
    sessionTimeoutMs: (config?.sessionTimeoutMinutes ?? 30) * 60_000,
    idTtlMs: (config?.idTtlDays ?? 395) * 86_400_000,
    sessionEndsAtMidnight: config?.sessionEndsAtMidnight === true,
  };
}

/**
 * Events made before the stored identity was read carry the provisional one: they belong to
 * the restored visitor (and, if none was identified on this page, to its userId), and to its
 * session, with that session's landing.
 */
export function restamp(events: readonly AcquaintEvent[], provisional: Profile, current: Profile): void {
  if (current.anonymousId === provisional.anonymousId) return;
  for (const event of events) {
    if (event.anonymousId !== provisional.anonymousId) continue;
    event.anonymousId = current.anonymousId;
    event.userId ??= current.userId;
    if (event.context.sessionId === current.sessionId) continue;
    event.context.sessionId = current.sessionId;
    delete event.context.campaign;
    delete event.context.clickIds;
    Object.assign(event.context, landingContext(current.landing));
  }
}
