// What the banner says and decides, without the DOM: English defaults for every text and for
// the built-in purposes, and the choice each button makes.
import type { BannerPurpose, BannerTexts, Choice } from './types';

export type Texts = { [K in keyof BannerTexts]-?: string };

export const DEFAULT_TEXTS: Texts = {
  title: 'Your privacy choices',
  body: 'With your consent, we use cookies and similar technologies to measure how this site is used and for marketing and personalised content. You can change your choice at any time.',
  acceptAll: 'Accept all',
  rejectAll: 'Reject all',
  choose: 'Choose',
  save: 'Save',
  back: 'Back',
  gpcNotice: 'Your browser sends Global Privacy Control: marketing stays off',
  privacyPolicyLabel: 'Privacy policy',
  yourData: 'Your data',
  yourDataBody: 'What this site keeps about you in this browser, why, and where your events went.',
  dataIds: 'Identifiers',
  dataVisitorId: 'Visitor id',
  dataUserId: 'Signed-in id',
  dataSession: 'Session',
  dataTraits: 'About you',
  dataHashed: 'sent only as a hash',
  dataAudiences: 'Audiences you are in',
  dataSent: 'Sent in the last 7 days',
  dataEvents: 'events',
  dataNone: 'Nothing',
  dataReceipt: 'Consent receipt',
  receiptDownload: 'Download the record of my consent choices',
  download: 'Download my data',
  forget: 'Forget me',
  forgotten: 'Done: everything this site kept about you in this browser is erased.',
  forgottenRelay: 'The site’s server also deleted what it held about you and had not yet passed on.',
  close: 'Close',
};

const BUILT_IN: Record<string, [label: string, description: string]> = {
  necessary: ['Necessary', 'Needed for the site to work and to remember your choice. Always on.'],
  analytics: ['Analytics', 'Counts visits and measures how the site is used, so it can be improved.'],
  marketing: ['Marketing', 'Lets us and our advertising partners measure and tailor ads.'],
  personalization: ['Personalization', 'Remembers your preferences to tailor content and recommendations.'],
};

/** The defaults with the site's texts on top; an empty text keeps the default. */
export function resolveTexts(texts: BannerTexts): Texts {
  const resolved = { ...DEFAULT_TEXTS };
  for (const key of Object.keys(resolved) as (keyof Texts)[]) {
    const text = texts[key];
    if (typeof text === 'string' && text.trim()) resolved[key] = text;
  }
  return resolved;
}

/** A purpose's label and description: the site's, else the built-in one, else its id. */
export function describePurpose(purpose: BannerPurpose): { label: string; description: string } {
  const builtIn = Object.prototype.hasOwnProperty.call(BUILT_IN, purpose.id) ? BUILT_IN[purpose.id] : undefined;
  return { label: purpose.label || builtIn?.[0] || purpose.id, description: purpose.description || builtIn?.[1] || '' };
}

/** The visitor's choice for every purpose the banner may change; locked ones are left out. */
export function decide(purposes: readonly BannerPurpose[], choice: (purpose: BannerPurpose) => Choice): Record<string, Choice> {
  const choices: Record<string, Choice> = {};
  for (const purpose of purposes) if (!purpose.locked) choices[purpose.id] = choice(purpose);
  return choices;
}
