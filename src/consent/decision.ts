// A consent decision as a receipt records it (contract §10): consent.ts makes them, the
// stored record keeps the source, the proof parts turn them into receipts.

/** Where a decision came from (a consent receipt's `source`, contract §10). */
export type DecisionSource = 'banner' | 'api' | 'tcf' | 'gpp' | 'consent-mode' | 'gpc';

/** One decision on the visitor's consent: who made it, when, and the CMP's string when a CMP did. */
export interface Decision {
  source: DecisionSource;
  /** When it was made (ms since the epoch). */
  at: number;
  tcString?: string;
  gppString?: string;
  /** Made earlier, stated again on this page (a stored choice): never a receipt of its own if the last one says it. */
  restated?: boolean;
}
