import type { ConsentChoices } from '../config/schema';
import type { Sender } from '../delivery/sender';
import type { AdapterEnv } from '../lib/platform';

export type { AdapterEnv };
export type { SendOptions, SendResult } from '../delivery/sender';

/** A destination: the core reads only these fields (and its sending side's), never an adapter's name. */
export interface Adapter<Settings = unknown> extends Sender {
  readonly purposes: readonly string[];
  /** Checks the settings (throw an Error naming the field to refuse them) and keeps them. */
  init(settings: Settings): void;
  /**
   * Called once the route is wired and on every consent change or navigation: `allowed` is
   * true while every purpose is granted and the page is not blocked. A vendor tag loads on
   * the first `allowed` (never before) and may pass the consent state on; a rejection is
   * reported through `on('error')`.
   */
  permit?(allowed: boolean, consent: ConsentChoices): void | Promise<void>;
}

/**
 * A destination type: a factory under a `type` name. Built-in settings schemas are zod schemas
 * in `*-settings.ts`, listed in cli/config-sources.ts and checked before `init`; a registered
 * type checks its own settings in `init`.
 */
export interface AdapterType<Settings = never> {
  readonly type: string;
  create(id: string, purposes: readonly string[], env: AdapterEnv): Adapter<Settings>;
}
