import type { ConsentState } from '../config/schema';

/** Where the event happened, as the page saw it then. */
export interface PageContext {
  url: string;
  path: string;
  referrer: string;
  title: string;
}

/** Contract §6: one Segment-spec event on the wire. */
export interface AcquaintEvent {
  type: 'track' | 'page';
  event?: string;
  name?: string;
  properties: Record<string, unknown>;
  anonymousId: string;
  userId: string | null;
  messageId: string;
  timestamp: string;
  context: {
    page: PageContext;
    consent: Record<string, ConsentState>;
    library: { name: 'acquaint'; version: string };
  };
}
