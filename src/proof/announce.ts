import type { Config } from '../config/schema';
import type { createProof, ProofOptions } from './proof';

/** The DOM event by which acquaint-proof.js hands its parts to the runtime. */
export const PROOF_EVENT = 'acquaint:proof';

/** What the runtime hands the proof parts: the config (which names the relay), the page, how to report. */
export interface ProofSetup {
  config: Config & { relay: NonNullable<Config['relay']> };
  env: ProofOptions['env'] & { baseUrl(): string };
  fail: ProofOptions['fail'];
}

/** Receipts, the id cookie and forget at the relay: in acquaint-proof.js, or in the runtime itself (a container with `relay`). */
export interface LoadedProof {
  createProof(setup: ProofSetup): ReturnType<typeof createProof>;
}
