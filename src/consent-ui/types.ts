// The one interface between the runtime and the optional banner (dist/consent-ui.js).
// The banner announces itself with a DOM event instead of a global, so loading it adds
// nothing to `window`:
//   document.dispatchEvent(new CustomEvent('acquaint:consent-ui', { detail: openBanner }))

import type { BannerTexts } from '../config/schema';

export const BANNER_EVENT = 'acquaint:consent-ui';

export type Choice = 'granted' | 'denied';

/** Texts shown by the banner; every key is optional, the banner has English defaults. */
export type { BannerTexts } from '../config/schema';

export interface BannerPurpose {
  id: string;
  label?: string;
  description?: string;
  /** Current state; `pending` shows as off. */
  state: 'granted' | 'denied' | 'pending';
  /** Cannot be changed here: `necessary` (always on) or `marketing` under GPC (always off). */
  locked: boolean;
}

export interface BannerOptions {
  texts: BannerTexts;
  /** BCP 47 language of the texts, set as the banner's `lang`. */
  lang?: string;
  purposes: BannerPurpose[];
  /** `navigator.globalPrivacyControl` is on and honoured: the banner says so. */
  gpc: boolean;
  privacyPolicyUrl?: string;
  /** Which layer opens first: the short one, or the per-purpose choices. */
  layer?: 'first' | 'choose';
  /** Accept all, Reject all or Save: the visitor's choice for every unlocked purpose. */
  choose(choices: Record<string, Choice>): void;
  /** The CSP nonce of the acquaint script tag, for any style or script the banner adds. */
  nonce?: string;
}

export interface BannerHandle {
  close(): void;
}

export type OpenBanner = (options: BannerOptions) => BannerHandle;
