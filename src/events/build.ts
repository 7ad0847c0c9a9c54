import { toJsonSafe } from '../lib/json';
import type { AcquaintEvent, PageContext } from './event';

declare const __VERSION__: string;

export interface BuildEnv {
  uuid(): string;
  now(): number;
  page(): PageContext;
}

export interface Identity {
  anonymousId: string;
  userId: string | null;
}

const library = { name: 'acquaint', version: __VERSION__ } as const;

const safeProperties = (properties: Record<string, unknown>): Record<string, unknown> =>
  toJsonSafe(properties) as Record<string, unknown>;

/**
 * Builds contract §6 events. Properties are copied at build time, so what the page
 * changes afterwards never alters an event already accepted.
 */
export function createEventBuilder(env: BuildEnv, identity: () => Identity) {
  const base = (type: AcquaintEvent['type'], properties: Record<string, unknown>) => {
    const { anonymousId, userId } = identity();
    return {
      type,
      properties: safeProperties(properties),
      anonymousId,
      userId,
      messageId: env.uuid(),
      timestamp: new Date(env.now()).toISOString(),
      // Stamped again with the state used when the consent gate releases the event.
      context: { page: env.page(), consent: {}, library },
    };
  };
  return {
    /** A data-layer event: everything pushed with it but `event` becomes properties. */
    track(name: string, message: Record<string, unknown>): AcquaintEvent {
      const { event: _event, ...properties } = message;
      return { ...base('track', properties), event: name };
    },
    page(properties: Record<string, unknown>): AcquaintEvent {
      const event = base('page', properties);
      const { url, path, referrer, title } = event.context.page;
      event.properties = { url, path, referrer, title, ...event.properties };
      return typeof properties.name === 'string' ? { ...event, name: properties.name } : event;
    },
  };
}

export type EventBuilder = ReturnType<typeof createEventBuilder>;
