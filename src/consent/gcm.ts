import type { ConsentState } from '../config/schema';
import type { ConsentChoices } from './consent';

// Contract §5: Google Consent Mode v2 keys → acquaint purposes.
const PURPOSE_OF: Record<string, string> = {
  analytics_storage: 'analytics',
  ad_storage: 'marketing',
  ad_user_data: 'marketing',
  ad_personalization: 'marketing',
  personalization_storage: 'personalization',
};

/**
 * Maps a Consent Mode call's `{ analytics_storage: 'granted', … }` onto purposes. A purpose
 * fed by several keys is granted only when every key given for it is granted.
 */
export function fromConsentMode(params: Record<string, unknown>): ConsentChoices {
  const out: ConsentChoices = {};
  for (const [key, value] of Object.entries(params)) {
    const purpose = PURPOSE_OF[key];
    if (!purpose || (value !== 'granted' && value !== 'denied')) continue;
    const state: ConsentState = value;
    out[purpose] = out[purpose] === 'denied' ? 'denied' : state;
  }
  return out;
}

const asMode = (state: ConsentState | undefined): 'granted' | 'denied' => (state === 'granted' ? 'granted' : 'denied');

/** The state as Consent Mode v2 parameters, for Google tags downstream (pending reads as denied). */
export function toConsentMode(state: ConsentChoices): Record<string, 'granted' | 'denied'> {
  const marketing = asMode(state.marketing);
  return {
    analytics_storage: asMode(state.analytics),
    ad_storage: marketing,
    ad_user_data: marketing,
    ad_personalization: marketing,
    personalization_storage: asMode(state.personalization),
  };
}
