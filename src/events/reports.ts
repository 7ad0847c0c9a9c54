import type { ConfigIssue } from '../config/report';
import type { ConsentChoices } from '../config/schema';

/** What `on(type, listener)` delivers, per type. */
export interface AcquaintEvents {
  delivered: { destination: string; messageIds: string[] };
  dropped: { destination?: string; messageIds: string[]; reason: DropReason };
  error: {
    code: string;
    message: string;
    destination?: string;
    messageIds?: string[];
    status?: number;
    retry?: boolean;
    retryInMs?: number;
    issues?: ConfigIssue[];
  };
  consent: ConsentChoices;
}

export type DropReason =
  | 'consent_denied'
  | 'hold_overflow'
  | 'buffer_overflow'
  | 'config_unavailable'
  | 'queue_full'
  | 'expired'
  | 'rejected'
  | 'destination_removed'
  | 'forgotten'
  /** Destination rules: the page matched its `block` list, or a frequency cap was reached. */
  | 'blocked'
  | 'capped';

export const REPORT_TYPES: ReadonlyArray<keyof AcquaintEvents> = ['delivered', 'dropped', 'error', 'consent'];
