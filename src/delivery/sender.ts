import type { AcquaintEvent } from '../events/event';

/** sendBeacon and keepalive fetch share a 64 KB budget per page: what leaves on unload stays under it. */
export const UNLOAD_MAX_BYTES = 60_000;

export interface SendOptions {
  /** The page is going away: use a transport that outlives it (sendBeacon, keepalive). */
  unloading: boolean;
}

/** What a send achieved; `retry` says whether trying again could help. */
export type SendResult = { ok: true } | { ok: false; reason: string; status?: number; retry: boolean; retryAfterMs?: number };

/**
 * What a destination's outbox sends through: the delivery side of an adapter
 * (destinations/adapter.ts), declared here so that delivery needs nothing above it.
 */
export interface Sender {
  readonly id: string;
  /** Batch limits this destination can take in one `send`. */
  readonly limits: { maxEvents: number; maxBytes: number };
  send(batch: readonly AcquaintEvent[], options: SendOptions): Promise<SendResult>;
  /**
   * Hands a batch to a transport that outlives the page (sendBeacon) and says at once whether
   * it took it: on unload nothing asynchronous is sure to run any more.
   */
  beacon?(batch: readonly AcquaintEvent[]): boolean;
  /** True while it cannot take events yet (its type is still to arrive): the queue keeps them and waits. */
  waiting?(): boolean;
}
