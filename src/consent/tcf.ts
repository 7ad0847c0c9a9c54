import type { TcfApi } from '../lib/platform';

import type { ConsentChoices } from './consent';
import type { Decision } from './decision';

/**
 * Follows an IAB TCF v2.2 CMP already on the page: each acquaint purpose in `table` is granted
 * when every TCF purpose id listed for it has consent, denied otherwise. Signals where GDPR
 * does not apply, or before the CMP has loaded its data, are ignored.
 */
// A CMP's TCData is an instance of its own class (@iabtcf/cmpapi's TCData), not a plain object.
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

export function followTcf(
  api: TcfApi,
  table: Record<string, number[]>,
  apply: (choices: ConsentChoices, signal: Omit<Decision, 'at'>) => void,
  fail: (message: string) => void,
): void {
  try {
    api('addEventListener', 2, (data, success) => {
      if (!success || !isObject(data) || data.gdprApplies === false) return;
      if (data.eventStatus !== 'tcloaded' && data.eventStatus !== 'useractioncomplete') return;
      const purpose = isObject(data.purpose) ? data.purpose : {};
      const consents = isObject(purpose.consents) ? purpose.consents : {};
      const choices: ConsentChoices = {};
      for (const [name, ids] of Object.entries(table)) choices[name] = ids.every((id) => consents[id] === true) ? 'granted' : 'denied';
      apply(choices, { source: 'tcf', ...(typeof data.tcString === 'string' ? { tcString: data.tcString } : {}) });
    });
  } catch (error) {
    fail(`__tcfapi threw: ${String(error)}`);
  }
}
