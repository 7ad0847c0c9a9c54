import { isPlainObject } from '../lib/is';
import { toJsonSafe } from '../lib/json';
import { readLanding, type Landing } from '../events/landing';

/** Who the visitor is, as acquaint keeps it: on the device only, and only with consent. */
export interface Profile {
  anonymousId: string;
  userId: string | null;
  traits: Record<string, unknown>;
  sessionId: string;
  /** Last event or identity change (ms): sessions and id lifetimes count from it. */
  lastActivity: number;
  /** Last identity change (ms): across tabs, the newer profile wins. */
  updatedAt: number;
  /** The session's landing URL's campaign and click ids (contract §7). */
  landing?: Landing;
}

/** A stored or broadcast profile read back (untrusted): the profile if well-formed. */
export function readProfile(value: unknown): Profile | undefined {
  if (!isPlainObject(value)) return undefined;
  const { anonymousId, userId, traits, sessionId, lastActivity, updatedAt } = value;
  if (typeof anonymousId !== 'string' || typeof sessionId !== 'string' || typeof lastActivity !== 'number' || typeof updatedAt !== 'number')
    return undefined;
  if (userId !== null && typeof userId !== 'string') return undefined;
  const profile: Profile = {
    anonymousId,
    userId,
    traits: isPlainObject(traits) ? (toJsonSafe(traits) as Record<string, unknown>) : {},
    sessionId,
    lastActivity,
    updatedAt,
  };
  const landing = readLanding(value.landing);
  if (landing) profile.landing = landing;
  return profile;
}
