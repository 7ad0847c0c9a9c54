// Types for collector.mjs, as the browser tests and the bench use it.
import type { Server } from 'node:http';
import type { AcquaintEvent } from '../src/events/event';

/** What arrives: contract §6 events, passed through as sent. */
export type WireEvent = AcquaintEvent;

/** One event as the collector recorded it. */
export interface ReceivedEvent extends WireEvent {
  receivedAt: string;
  /** `?dest=xyz` on the batch URL, else `'collector'`. */
  receivedBy: string;
  duplicate?: true;
}

export interface BatchBody {
  batch: WireEvent[];
  sentAt: string;
}

/**
 * How the collector answers one POST /v1/batch instead of recording it (fault injection).
 * - `{ status, headers? }`: that status (e.g. 503, or 429 with `{ 'Retry-After': '2' }`) and a JSON body.
 * - `{ hang: true }`: never answers; the socket stays open until `down()` or `close()`.
 * - `{ reset: true }`: destroys the socket once the body is in.
 */
export type Fault =
  | { status: number; headers?: Record<string, string>; hang?: never; reset?: never }
  | { hang: true; status?: never; reset?: never }
  | { reset: true; status?: never; hang?: never };

/** One POST /v1/batch as the collector saw it, whatever it answered. */
export interface Attempt {
  /** `Date.now()` when the request arrived. */
  at: number;
  dest: string;
  /** Body size; 0 until the body is in. */
  bytes: number;
  /** The batch's messageIds, in order (empty for a body that is no valid batch). */
  messageIds: string[];
  /** The status sent, `'hang'`, `'reset'`, or `'pending'` while the body is arriving. */
  answer: number | 'hang' | 'reset' | 'pending';
}

export interface CollectorServer {
  url: string;
  port: number;
  server: Server;
  /** Recorded (200) batches only. */
  batches: BatchBody[];
  events: ReceivedEvent[];
  /** Scripted answers, one per POST /v1/batch, taken in arrival order; empty means normal service. */
  faults: Fault[];
  /** Every POST /v1/batch, failed ones too. */
  attempts: Attempt[];
  /** `attempts.length`. */
  readonly requests: number;
  /** True between `down()` and `up()`. */
  readonly isDown: boolean;
  /** Stops listening (connections are refused) and ends every open socket. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export function createCollectorServer(options: {
  root: string;
  distDir?: string;
  port?: number;
  host?: string;
  log?: boolean;
}): Promise<CollectorServer>;
