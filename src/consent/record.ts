import type { ConsentChoices } from '../config/schema';
import type { DecisionSource } from './decision';
import type { Platform } from '../lib/platform';
import { isPlainObject, isUnsafeKey } from '../lib/is';

/** What is stored once the visitor chooses (contract §3): the choices, when, for which config version. */
export interface ConsentRecord {
  choices: ConsentChoices;
  timestamp: string;
  version: string | number;
  /** Who made the choice (its consent receipt's source); absent in records stored before it was kept. */
  source?: DecisionSource;
}

/** A stored choice read back: what it chose, when (ms) and by whom. */
export interface StoredChoice {
  choices: ConsentChoices;
  /** Undefined where the stored timestamp does not parse (the receipt takes its own time). */
  at?: number;
  source: DecisionSource;
}

/** Where acquaint keeps the visitor's choice; a config with `consent.source: "page"` keeps none. */
export interface ConsentRecordStore {
  /** The stored choice for this config version, if a well-formed record for it is stored. */
  read(version: string | number): StoredChoice | undefined;
  write(record: ConsentRecord): void;
  remove(): void;
  /** Another tab stored a choice, or erased it: the listener reads what it stored, as `read` does. */
  onChange(listener: (read: (version: string | number) => StoredChoice | undefined) => void): void;
}

/** A stored record read back (untrusted): its choice if it is well-formed and for this version. */
export function choicesFromRecord(stored: unknown, version: string | number): StoredChoice | undefined {
  if (!isPlainObject(stored) || stored.version !== version || typeof stored.timestamp !== 'string' || !isPlainObject(stored.choices))
    return undefined;
  const choices: ConsentChoices = {};
  for (const [purpose, state] of Object.entries(stored.choices)) {
    if (!isUnsafeKey(purpose) && (state === 'granted' || state === 'denied' || state === 'pending')) choices[purpose] = state;
  }
  const at = Date.parse(stored.timestamp);
  // Unchecked here: a receipt takes it only if it is one of the sources (proof/receipts.ts).
  return { choices, ...(Number.isNaN(at) ? {} : { at }), source: stored.source as DecisionSource };
}

const KEY = 'acquaint.consent';

const readJson = (text: string | null | undefined): unknown => {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
};

/** localStorage `acquaint.consent`, shared by the site's tabs. */
export function consentRecordStore(env: Pick<Platform, 'localStore' | 'onStorageChange'>): ConsentRecordStore {
  return {
    read: (version) => choicesFromRecord(readJson(env.localStore?.get(KEY)), version),
    write: (record) => env.localStore?.set(KEY, JSON.stringify(record)),
    remove: () => env.localStore?.remove(KEY),
    onChange(listener) {
      env.onStorageChange?.((key, value) => {
        if (key === KEY || key === null) listener((version) => choicesFromRecord(readJson(value), version));
      });
    },
  };
}

/** A container whose config has `consent.source: "page"`: nothing read or written, a record left by an earlier config removed. */
export function noConsentRecord(env: Pick<Platform, 'localStore'>): ConsentRecordStore {
  const nothing = (): undefined => undefined;
  return { read: nothing, write: nothing, remove: () => env.localStore?.remove(KEY), onChange: nothing };
}
