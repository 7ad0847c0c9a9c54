import type { ConsentState } from '../config/schema';
import type { Campaign, ClickIds } from './landing';

/** Where the event happened, as the page saw it then. */
export interface PageContext {
  url: string;
  path: string;
  referrer: string;
  title: string;
}

/** The consent of an event no gate has passed yet: the first gate to pass it stamps it in place. */
export const UNSTAMPED: Record<string, never> = Object.freeze({});

/** Contract §6: one Segment-spec event on the wire. */
export interface AcquaintEvent {
  type: 'track' | 'page' | 'identify';
  event?: string;
  name?: string;
  properties: Record<string, unknown>;
  /** identify events: the traits as they leave the page. */
  traits?: Record<string, unknown>;
  anonymousId: string;
  userId: string | null;
  messageId: string;
  timestamp: string;
  context: {
    page: PageContext;
    /** Ends after inactivity (identity.sessionTimeoutMinutes); RudderStack's field name. */
    sessionId: string;
    /** The session's landing URL's `utm_*` values (contract §7), when it had any. */
    campaign?: Campaign;
    /** The session's landing URL's ad click ids (contract §7), when it had any. */
    clickIds?: ClickIds;
    /** Segment's context.traits: the traits a relay-half destination matches users by (hashed), on every event. */
    traits?: Record<string, unknown>;
    /** The visitor's on-device audiences, only for destinations with `audiences: true`. */
    audiences?: string[];
    consent: Record<string, ConsentState>;
    library: { name: 'acquaint'; version: string };
  };
}
