import type { ConsentChoices } from '../consent/consent';
import type { AcquaintEvent } from '../events/event';
import type { AdapterEnv } from '../lib/platform';

export type { AdapterEnv };

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


/**
 * A destination type: a factory under a `type` name. Built-in settings schemas are zod schemas
 * in `*-settings.ts`, listed in config/sources.ts and checked before `init`; a registered
 * type checks its own settings in `init`.
 */
export interface AdapterType<Settings = never> {
  readonly type: string;
  create(id: string, purposes: readonly string[], env: AdapterEnv): Adapter<Settings>;
}
