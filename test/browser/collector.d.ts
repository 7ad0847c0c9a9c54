/// <reference types="node" />
// Types for demo/collector.mjs (plain JS, not ours to change), as the browser tests use it.
// The event fields are what contract §6 promises; the collector passes them through as sent.

declare module '*/demo/collector.mjs' {
  import type { Server } from 'node:http';

  export interface WireEvent {
    type: string;
    event?: string;
    name?: string;
    properties: Record<string, unknown>;
    anonymousId: string;
    userId: string | null;
    messageId: string;
    timestamp: string;
    context: {
      page: { url: string; path: string; referrer: string; title: string };
      consent: Record<string, string>;
      library: { name: string; version: string };
    };
  }

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
}
