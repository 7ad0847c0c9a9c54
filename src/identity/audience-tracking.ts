import type { Audience } from '../config/schema';
import type { AcquaintEvent } from '../events/event';
import type { ConsentChoices } from '../config/schema';
import type { Platform, SyncStore } from '../lib/platform';
import type { createAudiences, Audiences, HistoryLimits } from './audiences';
import type { IdentityStore } from './store';

/** The data-layer event acquaint pushes when audience membership changes. */
export const AUDIENCE_EVENT = 'acquaint.audiences';
/**
 * localStorage: the members, space-separated, for the `<head>` snippet that sets
 * `data-acquaint-audiences` before first paint (README, Personalization). Kept only while
 * personalization and storage are allowed.
 */
export const AUDIENCES_KEY = 'acquaint.audiences';
// Windows and expiries move members by time alone: checked this often while the page is open.
const RECHECK_MS = 60_000;

export interface AudienceTrackingDeps {
  now(): number;
  traits(): Record<string, unknown>;
  /** The visitor's current session: `inSession` conditions count from its first event. */
  sessionId(): string;
  /** Whether `personalization` is granted: audiences exist only then. */
  personal(): boolean;
  /** Whether its state is still to come from a CMP: what the last page showed stays until then. */
  undecided(): boolean;
  /** Whether consent allows storing on the device. */
  storable(): boolean;
  store: IdentityStore;
  local?: SyncStore | undefined;
  /** Shows the members to the page's CSS (`data-acquaint-audiences` on `<html>`); none: removed. */
  show?(members: readonly string[]): void;
  push(message: Record<string, unknown>): void;
  setTimeout(callback: () => void, ms: number): unknown;
}

/** Feeds accepted events to the audiences, stores their state, and announces membership changes. */
export function createAudienceTracking(deps: AudienceTrackingDeps) {
  let audiences: Audiences | undefined;
  // The config's `personalize`, applied on every change of members.
  let personalized: ((members: readonly string[]) => void) | undefined;
  let recheck: unknown;
  // Whether the stored state has been read into this page's (storage may be allowed only later).
  let restored = false;
  // Until the config is in, what the snippet set stays: consent restored on start is no reason to touch it.
  let configured = false;

  /** The members where the page and the snippet read them: the attribute, and localStorage if allowed. */
  function publish(): void {
    if (!configured || deps.undecided()) return;
    const members = audiences && deps.personal() ? audiences.members : [];
    deps.show?.(members);
    personalized?.(members);
    const keep = members.length && deps.storable() ? members.join(' ') : null;
    if (keep === (deps.local?.get(AUDIENCES_KEY) ?? null)) return;
    if (keep) deps.local?.set(AUDIENCES_KEY, keep);
    else deps.local?.remove(AUDIENCES_KEY);
  }

  function schedule(): void {
    if (recheck !== undefined || !audiences?.timed || !deps.personal()) return;
    recheck = deps.setTimeout(() => {
      recheck = undefined;
      update();
    }, RECHECK_MS);
  }

  /** An accepted event (or none: time alone may move members out). */
  function update(event?: AcquaintEvent): void {
    if (!audiences || !deps.personal()) return;
    const now = deps.now();
    const sessionId = event?.context.sessionId ?? deps.sessionId();
    const name = event?.type === 'track' ? event.event! : event?.type;
    const recorded = name !== undefined && !name.startsWith('acquaint.') && audiences.record(name, event!.properties, now, sessionId);
    const change = audiences.evaluate(deps.traits(), now, sessionId);
    if (recorded || change) deps.store.save('audiences', audiences.state);
    if (change) {
      publish();
      deps.push({ event: AUDIENCE_EVENT, audiences: change.members, entered: change.entered, left: change.left });
    }
    schedule();
  }

  return {
    /** The config's audiences, made by `create` (acquaint-audiences.js); `personalize` applies the members to the page. */
    configure(
      list: readonly Audience[] | undefined,
      limits: HistoryLimits,
      create?: typeof createAudiences,
      personalize?: (members: readonly string[]) => void,
    ): void {
      personalized = personalize;
      configured = true;
      if (!list?.length || !create) return publish(); // audiences taken out of the config: none shown, none kept
      audiences = create(list, limits);
      if (deps.personal()) restore();
      else if (!deps.undecided() && deps.store.stored('audiences') !== undefined) deps.store.remove('audiences');
      publish();
    },
    /** The identity store has read what is stored (storage allowed after the page started). */
    storageReady(): void {
      if (!audiences || restored || !deps.personal()) return;
      restore();
      update();
      publish();
    },
    update,
    /** Consent changed: what is shown and kept follows it. */
    consentChanged(): void {
      // Granted with storage still being read (a CMP's answer on load): storageReady() shows the
      // stored members; showing this page's alone first would flash the attribute off and on.
      if (deps.personal()) {
        if (restored || !deps.storable()) publish();
      } else if (!deps.undecided()) clear();
    },
    /** Personalization withdrawn or erased: history and membership go, and so does the attribute. */
    clear,
    members: (): string[] => (audiences && deps.personal() ? audiences.members : []),
  };

  function restore(): void {
    const stored = deps.store.stored('audiences');
    if (stored === undefined && !deps.store.enabled) return;
    restored = true;
    audiences!.restore(stored);
  }

  function clear(): void {
    restored = false;
    if (audiences && (audiences.members.length || audiences.state.history.length)) {
      audiences.clear();
      deps.store.remove('audiences');
    }
    publish();
  }
}

export type AudienceTracking = ReturnType<typeof createAudienceTracking>;

export interface AudienceSources {
  identity: { get(): { traits: Record<string, unknown>; sessionId: string } };
  consent: { get(): ConsentChoices; undecided(purpose: string): boolean; storageAllowed(): boolean };
  store: IdentityStore;
  env: Pick<Platform, 'now' | 'localStore' | 'showAudiences' | 'setTimeout'>;
  /** Onto the data layer: the membership change event. */
  push(message: Record<string, unknown>): void;
}

/** The tracking fed by its usual sources: audiences exist only while personalization is granted. */
export function trackAudiences({ identity, consent, store, env, push }: AudienceSources): AudienceTracking {
  return createAudienceTracking({
    now: env.now,
    traits: () => identity.get().traits,
    sessionId: () => identity.get().sessionId,
    personal: () => consent.get().personalization === 'granted',
    undecided: () => consent.undecided('personalization'),
    storable: consent.storageAllowed,
    store,
    local: env.localStore,
    show: env.showAudiences,
    push,
    setTimeout: env.setTimeout,
  });
}

const nothing = (): undefined => undefined;
/** A container whose config has no audiences (config/build-features.ts). */
export const NO_AUDIENCES: AudienceTracking = {
  configure: nothing,
  storageReady: nothing,
  update: nothing,
  consentChanged: nothing,
  clear: nothing,
  members: () => [],
};
