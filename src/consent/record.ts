import type { ConsentChoices } from '../config/schema';
import type { Platform } from '../lib/platform';
import { isPlainObject, isUnsafeKey } from '../lib/is';

/** What is stored once the visitor chooses (contract §3): the choices, when, for which config version. */
export interface ConsentRecord {
  choices: ConsentChoices;
  timestamp: string;
  version: string | number;
}

/** A stored record read back (untrusted): its choices if it is well-formed and for this version. */
export function choicesFromRecord(stored: unknown, version: string | number): ConsentChoices | undefined {
  if (!isPlainObject(stored) || stored.version !== version || typeof stored.timestamp !== 'string' || !isPlainObject(stored.choices)) return undefined;
  const choices: ConsentChoices = {};
  for (const [purpose, state] of Object.entries(stored.choices)) {
    if (!isUnsafeKey(purpose) && (state === 'granted' || state === 'denied' || state === 'pending')) choices[purpose] = state;
  }
  return choices;
}

const KEY = 'acquaint.consent';

const readJson = (text: string | null | undefined): unknown => {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
};

/** Where the visitor's choice is kept: localStorage `acquaint.consent`, shared by the site's tabs. */
export function consentRecordStore(env: Pick<Platform, 'localStore' | 'onStorageChange'>) {
  return {
    read: (): unknown => readJson(env.localStore?.get(KEY)),
    write: (record: ConsentRecord): void => env.localStore?.set(KEY, JSON.stringify(record)),
    /** Another tab stored a choice, or erased it (then `stored` is undefined). */
    onChange(listener: (stored: unknown) => void): void {
      env.onStorageChange?.((key, value) => {
        if (key === KEY || key === null) listener(readJson(value));
      });
    },
  };
}
