import { landingContext, type Landing } from './landing';
import { toJsonSafe } from '../lib/json';
import { UNSTAMPED, type AcquaintEvent, type PageContext } from './event';

declare const __VERSION__: string;

export interface BuildEnv {
  uuid(): string;
  now(): number;
  page(): PageContext;
}

export interface Identity {
  anonymousId: string;
  userId: string | null;
  sessionId: string;
  landing?: Landing;
}

const library = { name: 'acquaint', version: __VERSION__ } as const;

/**
 * Builds contract §6 events, with the session's campaign and click ids (§7). Properties are
 * copied at build time, so what the page changes afterwards never alters an event already accepted.
 */
export function createEventBuilder(env: BuildEnv, identity: () => Identity) {
  // A burst of events shares its millisecond: written once, not per event (and its page: the
  // browser env gives the same object while nothing changed).
  let lastMs = NaN;
  let lastTimestamp = '';
  const timestamp = (ms: number): string => (ms === lastMs ? lastTimestamp : ((lastMs = ms), (lastTimestamp = new Date(ms).toISOString())));
  const build = (
    type: AcquaintEvent['type'],
    name: Partial<Pick<AcquaintEvent, 'event' | 'name'>>,
    properties: Record<string, unknown>,
  ): AcquaintEvent => {
    const { anonymousId, userId, sessionId, landing } = identity();
    return {
      type,
      ...name,
      properties,
      anonymousId,
      userId,
      messageId: env.uuid(),
      timestamp: timestamp(env.now()),
      // Stamped again with the state used when the consent gate releases the event.
      context: { page: env.page(), sessionId, ...landingContext(landing), consent: UNSTAMPED, library },
    };
  };
  return {
    /** A data-layer event: everything pushed with it but `event` becomes properties. */
    track(name: string, message: Record<string, unknown>): AcquaintEvent {
      return build('track', { event: name }, toJsonSafe(message, 'event') as Record<string, unknown>);
    },
    /** Segment's identify: the user and their traits, joined to the anonymousId it carries. */
    identify(traits: Record<string, unknown>): AcquaintEvent {
      return { ...build('identify', {}, {}), traits: toJsonSafe(traits) as Record<string, unknown> };
    },
    /** A page view; a single-page app's views name the previous view's URL as `referrer`. */
    page(properties: Record<string, unknown>, previousUrl?: string): AcquaintEvent {
      const event = build('page', typeof properties.name === 'string' ? { name: properties.name } : {}, {});
      // A copy: the page context is shared with the events before.
      if (previousUrl !== undefined) event.context.page = { ...event.context.page, referrer: previousUrl };
      const { url, path, referrer, title } = event.context.page;
      event.properties = { url, path, referrer, title, ...(toJsonSafe(properties) as Record<string, unknown>) };
      return event;
    },
  };
}

export type EventBuilder = ReturnType<typeof createEventBuilder>;
