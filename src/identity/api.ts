import type { EventBuilder } from '../events/build';
import type { AcquaintEvent } from '../events/event';
import { isPlainObject } from '../lib/is';
import { toJsonSafe } from '../lib/json';
import type { Identity } from './identity';

export interface IdentityApiDeps {
  identity: Identity;
  builder: EventBuilder;
  accept(event: AcquaintEvent): void;
  audiences(): string[];
  fail(code: string, message: string): void;
}

/** `identify`, `reset` and `user` of `window.acquaint`: checked input, then identity. */
export function identityApi({ identity, builder, accept, audiences, fail }: IdentityApiDeps) {
  return {
    /** The known user: sets userId, merges traits, and sends an identify event joining both ids. */
    identify(userId: string, traits?: Record<string, unknown>): void {
      if ((typeof userId !== 'string' || !userId) && typeof userId !== 'number')
        return fail('invalid_identify', 'identify(userId, traits): userId must be a non-empty string');
      if (traits !== undefined && !isPlainObject(traits))
        return fail('invalid_identify', 'identify(userId, traits): traits must be a plain object');
      const profile = identity.identify(String(userId), toJsonSafe(traits ?? {}) as Record<string, unknown>);
      accept(builder.identify(profile.traits));
    },
    /** Logout: a new anonymousId, no userId, no traits. */
    reset: (): void => void identity.reset(),
    user() {
      const { anonymousId, userId, traits, sessionId } = identity.get();
      return { anonymousId, userId, traits: { ...traits }, sessionId, audiences: audiences() };
    },
  };
}
