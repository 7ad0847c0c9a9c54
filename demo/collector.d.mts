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

export interface CollectorServer {
  url: string;
  port: number;
  server: Server;
  batches: BatchBody[];
  events: ReceivedEvent[];
  close(): Promise<void>;
}

export function createCollectorServer(options: {
  root: string;
  distDir?: string;
  port?: number;
  host?: string;
  log?: boolean;
}): Promise<CollectorServer>;
