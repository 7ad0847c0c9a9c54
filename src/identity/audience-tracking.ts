import type { Audience } from '../config/schema';
import type { AcquaintEvent } from '../events/event';
import { createAudiences, type Audiences, type HistoryLimits } from './audiences';
import type { IdentityStore } from './store';

/** The data-layer event acquaint pushes when audience membership changes. */
export const AUDIENCE_EVENT = 'acquaint.audiences';

export interface AudienceTrackingDeps {
  now(): number;
  traits(): Record<string, unknown>;
  /** Whether `personalization` is granted: audiences exist only then. */
  personal(): boolean;
  store: IdentityStore;
  push(message: Record<string, unknown>): void;
}

/** Feeds accepted events to the audiences, stores their state, and announces membership changes. */
export function createAudienceTracking(deps: AudienceTrackingDeps) {
  let audiences: Audiences | undefined;
  return {
    configure(list: readonly Audience[] | undefined, limits: HistoryLimits): void {
      if (!list?.length) return;
      audiences = createAudiences(list, limits);
      if (deps.personal()) audiences.restore(deps.store.stored('audiences'));
      else if (deps.store.stored('audiences') !== undefined) deps.store.remove('audiences');
    },
    /** An accepted event (or none: time alone may move members out). */
    update(event?: AcquaintEvent): void {
      if (!audiences || !deps.personal()) return;
      const now = deps.now();
      const name = event?.type === 'track' ? event.event! : event?.type;
      const recorded = name !== undefined && !name.startsWith('acquaint.') && audiences.record(name, event!.properties, now);
      const change = audiences.evaluate(deps.traits(), now);
      if (recorded || change) deps.store.save('audiences', audiences.state);
      if (change) deps.push({ event: AUDIENCE_EVENT, audiences: change.members, entered: change.entered, left: change.left });
    },
    /** Personalization withdrawn or erased: history and membership go. */
    clear(): void {
      if (!audiences || (!audiences.members.length && !audiences.state.history.length)) return;
      audiences.clear();
      deps.store.remove('audiences');
    },
    members: (): string[] => (audiences && deps.personal() ? audiences.members : []),
  };
}
