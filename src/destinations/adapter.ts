import type { ConsentChoices } from '../consent/consent';
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
  /** Checks the settings (throw an Error naming the field to refuse them) and keeps them. */
  init(settings: Settings): void;
  send(batch: readonly AcquaintEvent[], options: SendOptions): Promise<SendResult>;
  /**
   * Hands a batch to a transport that outlives the page (sendBeacon) and says at once whether
   * it took it: on unload nothing asynchronous is sure to run any more.
   */
  beacon?(batch: readonly AcquaintEvent[]): boolean;
  /**
   * Called once the route is wired and on every consent change or navigation: `allowed` is
   * true while every purpose is granted and the page is not blocked. A vendor tag loads on
   * the first `allowed` (never before) and may pass the consent state on; a rejection is
   * reported through `on('error')`.
   */
  permit?(allowed: boolean, consent: ConsentChoices): void | Promise<void>;
  /** True while it cannot take events yet (its type is still to arrive): the queue keeps them and waits. */
  waiting?(): boolean;
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
  /**
   * Adds a vendor `<script>`: https or same-origin only, with the optional SRI `integrity` and
   * the CSP nonce of acquaint's own tag. Resolves on load, rejects on an error or an SRI mismatch.
   */
  loadScript?(src: string, options?: { integrity?: string; crossorigin?: string }): Promise<void>;
  /** Reads a page global (a vendor's function) by name. */
  global?(name: string): unknown;
  /** Sets a page global (a vendor's command queue) unless one is there; returns what is there. */
  defineGlobal?(name: string, value: unknown): unknown;
  /** SHA-256 as hex, where SubtleCrypto exists. */
  sha256?(text: string): Promise<string>;
}

/**
 * A destination type: a factory under a `type` name. Built-in settings schemas are zod schemas
 * in `*-settings.ts`, listed in config/sources.ts and checked before `init`; a registered
 * type checks its own settings in `init`.
 */
export interface AdapterType<Settings = never> {
  readonly type: string;
  create(id: string, purposes: readonly string[], env: AdapterEnv): Adapter<Settings>;
}
