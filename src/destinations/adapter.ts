import type { AcquaintEvent } from '../events/event';

export interface SendOptions {
  /** The page is going away: use a transport that outlives it (sendBeacon, keepalive). */
  unloading: boolean;
}

/** What a send achieved; `retry` says whether trying again could help. */
export type SendResult = { ok: true } | { ok: false; reason: string; status?: number; retry: boolean; retryAfterMs?: number };

/** A destination: the core reads only these fields, never an adapter's name. */
export interface Adapter<Settings = unknown> {
  readonly id: string;
  readonly purposes: readonly string[];
  /** Batch limits this destination can take in one `send`. */
  readonly limits: { maxEvents: number; maxBytes: number };
  init(settings: Settings): void;
  send(batch: readonly AcquaintEvent[], options: SendOptions): Promise<SendResult>;
  /**
   * Hands a batch to a transport that outlives the page (sendBeacon) and says at once whether
   * it took it: on unload nothing asynchronous is sure to run any more.
   */
  beacon?(batch: readonly AcquaintEvent[]): boolean;
}

/** The platform pieces adapters may use, injected so they run anywhere. */
export interface AdapterEnv {
  fetch(url: string, init: RequestInit): Promise<{ ok: boolean; status: number; headers: { get(name: string): string | null } }>;
  sendBeacon?(url: string, body: string): boolean;
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** The page's URL, to resolve relative endpoints against. */
  baseUrl(): string;
}

/**
 * A destination type: a factory. Its settings schema is a zod schema in the adapter's
 * `*-settings.ts`, listed in config/sources.ts and checked before `init` is called.
 */
export interface AdapterType<Settings> {
  create(id: string, purposes: readonly string[], env: AdapterEnv): Adapter<Settings>;
}
