import { BUILT_IN_PURPOSES, type ConsentConfig, type ConsentState } from '../config/schema';
import { isPlainObject, isUnsafeKey } from '../lib/is';

export type ConsentChoices = Record<string, ConsentState>;

/** Contract §5: the purposes whose grant allows acquaint to store anything on the device. */
export const STORAGE_PURPOSES = ['analytics', 'personalization'] as const;

export const storageAllowed = (state: ConsentChoices): boolean => STORAGE_PURPOSES.some((purpose) => state[purpose] === 'granted');

export interface ConsentOptions {
  /** `navigator.globalPrivacyControl === true`. */
  gpc: boolean;
  changed(state: ConsentChoices): void;
  invalid(message: string): void;
}

/**
 * Per-purpose consent state (contract §5) in memory: `necessary` is always granted, config
 * defaults apply until the visitor chooses, and GPC keeps `marketing` denied.
 */
export function createConsent(options: ConsentOptions) {
  const configDefaults: ConsentChoices = {};
  // Consent Mode `default` calls from the page win over the config, whenever they ran.
  const pageDefaults: ConsentChoices = {};
  const chosen: ConsentChoices = {};
  let honorGpc = true;
  let state = compute();

  function compute(): ConsentChoices {
    const next: ConsentChoices = {};
    for (const purpose of BUILT_IN_PURPOSES) next[purpose] = 'pending';
    Object.assign(next, configDefaults, pageDefaults, chosen);
    next.necessary = 'granted';
    if (honorGpc && options.gpc) next.marketing = 'denied';
    return next;
  }

  function refresh(): void {
    const next = compute();
    const keys = new Set([...Object.keys(state), ...Object.keys(next)]);
    const changed = [...keys].some((key) => state[key] !== next[key]);
    state = next;
    if (changed) options.changed({ ...state });
  }

  function valid(choices: unknown, source: string): ConsentChoices {
    const out: ConsentChoices = {};
    if (!isPlainObject(choices)) {
      options.invalid(`${source}: expected an object like { analytics: 'granted' }`);
      return out;
    }
    for (const [purpose, value] of Object.entries(choices)) {
      if (isUnsafeKey(purpose) || purpose === 'necessary') continue;
      if (value === 'granted' || value === 'denied' || value === 'pending') out[purpose] = value;
      else options.invalid(`${source}: ${purpose} must be 'granted', 'denied' or 'pending', got ${JSON.stringify(value) ?? typeof value}`);
    }
    return out;
  }

  return {
    get: (): ConsentChoices => ({ ...state }),
    /** Config arrived: its defaults apply to every purpose the visitor has not chosen. */
    configure(config: ConsentConfig | undefined): void {
      Object.assign(configDefaults, config?.defaults);
      honorGpc = config?.honorGpc ?? true;
      refresh();
    },
    /** The visitor's (or the site's) choice. */
    update(choices: unknown): void {
      Object.assign(chosen, valid(choices, 'consent.update'));
      refresh();
    },
    /** A default set by the page (Consent Mode `default`): over the config's, never over a choice. */
    setDefaults(choices: unknown): void {
      Object.assign(pageDefaults, valid(choices, 'consent default'));
      refresh();
    },
  };
}

export type Consent = ReturnType<typeof createConsent>;
