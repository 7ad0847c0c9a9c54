// The one interface between the runtime and the optional banner (dist/consent-ui.js).
// The banner announces itself with a DOM event instead of a global, so loading it adds
// nothing to `window`:
//   document.dispatchEvent(new CustomEvent('acquaint:consent-ui', { detail: openBanner }))

import type { BannerTexts } from '../config/schema';

export const BANNER_EVENT = 'acquaint:consent-ui';

export type Choice = 'granted' | 'denied';

export type BannerLayer = 'first' | 'choose' | 'data';

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

/** Exactly what acquaint keeps on this device: the "Download my data" file. */
export interface StoredData {
  /** Database → key → value, as IndexedDB holds them. */
  indexedDB: Record<string, Record<string, unknown>>;
  localStorage: Record<string, string>;
}

/** What the runtime hands "Your data" when it opens: its state now, and what the device holds. */
export interface VisitorFacts {
  user: { anonymousId: string; userId: string | null; sessionId: string; traits: Record<string, unknown> };
  /** Traits that leave the device only hashed (`identity.hashTraits`). */
  hashTraits: readonly string[];
  members: readonly string[];
  /** The config's audiences, with their `label` and `description`. */
  audiences: readonly { id: string; label?: string; description?: string }[];
  destinations: readonly { id: string; purposes: readonly string[] }[];
  /** Local day (`YYYY-MM-DD`) → destination → events delivered, for the last 7 days (the device's own count). */
  deliveries: Record<string, Record<string, number>>;
  /** Each IndexedDB database acquaint keeps → what it holds now. */
  databases: Record<string, [IDBValidKey, unknown][]>;
  /** The consent receipt that says what holds now, and where its chain downloads (with a relay). */
  receipt?: { id: string; chainUrl: string };
}

/** What "Your data" shows the visitor: what the site knows on this device, why, and where it went. */
export interface YourData {
  anonymousId: string;
  userId: string | null;
  sessionId: string;
  /** `hashed`: it leaves the device only as its SHA-256 (`identity.hashTraits`). */
  traits: { key: string; value: unknown; hashed: boolean }[];
  /** The visitor's audiences, each with the config's one-line reason. */
  audiences: { id: string; label?: string; description?: string }[];
  /** Per purpose, the destinations that received events in the last 7 days (the device's own count). */
  sent: { purpose: string; destinations: { id: string; events: number }[] }[];
  stored: StoredData;
  receipt?: VisitorFacts['receipt'];
}

export interface BannerOptions {
  texts: BannerTexts;
  /** BCP 47 language of the texts, set as the banner's `lang`. */
  lang?: string;
  purposes: BannerPurpose[];
  /** `navigator.globalPrivacyControl` is on and honoured: the banner says so. */
  gpc: boolean;
  privacyPolicyUrl?: string;
  /** Which layer opens first: the short one, the per-purpose choices, or "Your data". */
  layer?: BannerLayer;
  /** "Your data" as it is now (read when that layer opens). */
  data?(): Promise<VisitorFacts>;
  /** "Forget me": everything acquaint keeps on this device is erased (`acquaint.forget()`), and what the relay holds. */
  forget?(): Promise<{ relay: 'confirmed' | 'failed' | 'none' }>;
  /** Accept all, Reject all or Save: the visitor's choice for every unlocked purpose. */
  choose(choices: Record<string, Choice>): void;
  /** The CSP nonce of the acquaint script tag, for any style or script the banner adds. */
  nonce?: string;
}

export interface BannerHandle {
  close(): void;
}

export type OpenBanner = (options: BannerOptions) => BannerHandle;
