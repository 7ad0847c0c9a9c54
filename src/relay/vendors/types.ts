import type { AcquaintEvent } from '../../events/event';

/** What the relay knew of the request that brought an event: Meta's `client_*` and `fbp`. */
export interface ClientInfo {
  /** The visitor's address: the connection's, or `X-Forwarded-For`'s first when `relay.trustProxy`. */
  ip?: string;
  userAgent?: string;
  /** The `_fbp` cookie the Meta pixel set on the site's domain, when the request carried it. */
  fbp?: string;
}

/** An accepted event in the outbox, as a forwarder claimed it: its rules already applied. */
export interface OutboxRow {
  id: string;
  destination: string;
  messageId: string;
  event: AcquaintEvent;
  client: ClientInfo;
  /** Tries so far (0 on the first). */
  attempts: number;
}

/** One request to a vendor's server API, and the rows it carries. */
export interface VendorRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  rows: OutboxRow[];
}

/** What a vendor made of claimed rows: requests to send, rows it refuses (dead letters), and what it trimmed to fit its limits. */
export interface Prepared {
  requests: VendorRequest[];
  refused: { row: OutboxRow; reason: string }[];
  /** Names and params over the vendor's limits, cut or left out (counted, never sent to be refused). */
  trimmed: { reason: string; count: number }[];
}

/** How the relay speaks one vendor's server API (`ga4`, `meta-pixel`, `http`). */
export interface VendorApi<Settings> {
  /** Events older than this (from their `timestamp`) are dead-lettered as `too_old`, never sent. */
  readonly maxAgeMs?: number;
  /** The environment variables this destination's settings name (each must be set at start). */
  secretNames(settings: Settings): string[];
  /**
   * The requests for these rows: `secrets` holds the values of `secretNames`; `now` is the
   * relay's clock (ms). Never throws on an odd event: it refuses that row with a reason.
   */
  prepare(rows: readonly OutboxRow[], settings: Settings, secrets: Readonly<Record<string, string>>, now: number): Prepared;
}
