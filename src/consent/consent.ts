import { proof as receipts } from '../config/build-features';
import { BUILT_IN_PURPOSES } from '../config/purposes';
import type { ConsentChoices, ConsentConfig } from '../config/schema';
import { isPlainObject, isUnsafeKey } from '../lib/is';
import { defaultsFor } from './defaults';
import type { Decision, DecisionSource } from './decision';
import type { ConsentRecordStore, StoredChoice } from './record';

export type { ConsentChoices };

/** Contract §5: the purposes whose grant allows acquaint to store anything on the device, unless the config says otherwise. */
export const STORAGE_PURPOSES = ['analytics', 'personalization'];

export interface ConsentOptions {
  /** `navigator.globalPrivacyControl === true`. */
  gpc: boolean;
  /** The page's region code (`data-region`), if it names one. */
  region?: string;
  now(): number;
  /** The visitor's stored choice: read once the config is known, written when they choose. */
  record: ConsentRecordStore;
  changed(state: ConsentChoices): void;
  /** A decision was made (or re-stated, as a CMP does on every page), with the state after it. */
  decided?(decision: Decision, state: ConsentChoices): void;
  invalid(message: string): void;
}

/** Debug mode's words for why an event waits at a gate (README, Debug mode). */
export const WAITING_FOR_BANNER = 'Consent Mode default denied, waiting for the banner';

/**
 * Per-purpose consent state (contract §5): `necessary` always granted, then the config's
 * (regional) defaults, the page's Consent Mode defaults, the visitor's choices; GPC keeps
 * `marketing` denied. The visitor's choices are stored with the config's consent version,
 * unless the page's own signals are the only source (`consent.source: "page"`).
 */
export function createConsent(options: ConsentOptions) {
  let configDefaults: ConsentChoices = {};
  // Consent Mode `default` calls from the page win over the config, whenever they ran.
  const pageDefaults: ConsentChoices = {};
  const chosen: ConsentChoices = {};
  let honorGpc = true;
  // A page default of `denied` is Consent Mode's only way to say "not chosen yet": held as pending,
  // so a consenting visitor's first page is not lost (contract §5), unless the config says "deny".
  let holdPageDefaults = true;
  let keepsRecord = true; // false: the page's signals are the only source of truth
  let followingCmp = false;
  let version: string | number | undefined; // known once the config is
  let chosenAt: number | undefined; // when the visitor chose on this page
  let stored = false; // a choice for this config version was stored before
  let storagePurposes = STORAGE_PURPOSES;
  let chosenBy: DecisionSource = 'api'; // who made the stored choice (kept with it, for its receipt)
  let state = compute();

  // Only in a build with consent receipts (a container whose config has no relay has none).
  const decide = (decision: Omit<Decision, 'at'>, at = options.now()): void => options.decided?.({ ...decision, at }, { ...state });

  const heldByPage = (purpose: string): boolean => holdPageDefaults && pageDefaults[purpose] === 'denied' && !(purpose in chosen);

  function compute(): ConsentChoices {
    const next: ConsentChoices = {};
    for (const purpose of BUILT_IN_PURPOSES) next[purpose] = 'pending';
    Object.assign(next, configDefaults, pageDefaults, chosen);
    for (const purpose of Object.keys(pageDefaults)) if (heldByPage(purpose)) next[purpose] = 'pending';
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

  // The one write acquaint makes before storage consent: the choice itself (strictly necessary).
  function persist(): void {
    if (!keepsRecord || version === undefined || chosenAt === undefined) return;
    options.record.write({ choices: { ...chosen }, timestamp: new Date(chosenAt).toISOString(), version, source: chosenBy });
  }

  /** Another tab changed the stored choice (or erased it): follow it, store nothing. */
  function followStored(read: (version: string | number) => StoredChoice | undefined): void {
    const choices = read(version!)?.choices;
    for (const purpose of Object.keys(chosen)) delete chosen[purpose];
    Object.assign(chosen, choices);
    stored = choices !== undefined;
    chosenAt = undefined;
    refresh();
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
    /**
     * Config arrived: its defaults apply to every purpose the visitor has not chosen, and a
     * stored choice for its version is restored, unless a CMP or the page speaks for the visitor.
     */
    configure(config: ConsentConfig | undefined, cmp = false): void {
      configDefaults = defaultsFor(config, options.region);
      honorGpc = config?.honorGpc ?? true;
      storagePurposes = config?.storagePurposes ?? STORAGE_PURPOSES;
      holdPageDefaults = config?.consentModeDefault !== 'deny';
      keepsRecord = config?.source !== 'page';
      followingCmp = cmp;
      version = config?.version ?? 1;
      if (!keepsRecord) options.record.remove(); // one an earlier config stored
      // A CMP on the page is the source of truth: a choice stored earlier does not speak over it.
      const follows = keepsRecord && !cmp;
      const previous = follows ? options.record.read(version) : undefined;
      stored = previous !== undefined;
      // A choice made on this page before the config arrived is newer than the stored one.
      for (const [purpose, value] of Object.entries(previous?.choices ?? {})) if (!(purpose in chosen)) chosen[purpose] = value;
      persist();
      refresh();
      // Stated again on every page (a receipt is made only for what changed since the last one):
      // GPC, then the stored choice, whose receipt a page that closed at once may not have made.
      if (receipts && honorGpc && options.gpc) decide({ source: 'gpc' });
      if (receipts && previous && chosenAt === undefined) decide({ source: previous.source, restated: true }, previous.at);
      // A choice (or an erasure) made in another tab applies here too.
      if (follows) options.record.onChange(followStored);
    },
    /** The visitor's (or the site's) choice: applied, and stored unless the page is the only source. */
    update(choices: unknown, source: DecisionSource = 'api'): void {
      const accepted = valid(choices, 'consent.update');
      if (!Object.keys(accepted).length) return;
      Object.assign(chosen, accepted);
      chosenAt = options.now();
      chosenBy = source;
      persist();
      refresh();
      if (receipts) decide({ source }, chosenAt);
    },
    /**
     * What a CMP on the page says: applied, never stored by acquaint (the CMP keeps its own record);
     * `signal` when it is the CMP's own signal (a decision), not acquaint waiting for one.
     */
    follow(choices: ConsentChoices, signal?: Omit<Decision, 'at'>): void {
      Object.assign(chosen, valid(choices, 'CMP'));
      refresh();
      if (receipts && signal) decide(signal);
    },
    /** A default set by the page (Consent Mode `default`): over the config's, never over a choice. */
    setDefaults(choices: unknown): void {
      Object.assign(pageDefaults, valid(choices, 'consent default'));
      refresh();
    },
    /** Erasure: the visitor's choices go, the defaults apply again (the record is removed by the caller). */
    forget(): void {
      for (const purpose of Object.keys(chosen)) delete chosen[purpose];
      stored = false;
      chosenAt = undefined;
      refresh();
    },
    /** Why a pending purpose waits, when it is not the config's default (debug mode). */
    waitingFor: (purpose: string): string | undefined =>
      state[purpose] === 'pending' && heldByPage(purpose) ? WAITING_FOR_BANNER : undefined,
    /** Whether a purpose's state is still to come from the page: a CMP's answer, or the banner's after a Consent Mode default. */
    undecided(purpose: string): boolean {
      return state[purpose] === 'pending' && (followingCmp || heldByPage(purpose));
    },
    /** Whether the visitor has chosen, on this page or stored for this config version. */
    hasChosen: (): boolean => stored || chosenAt !== undefined,
    /** Whether acquaint may store anything on the device now. */
    storageAllowed: (): boolean => storagePurposes.some((purpose) => state[purpose] === 'granted'),
  };
}

export type Consent = ReturnType<typeof createConsent>;
