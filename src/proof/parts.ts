import type { LoadedProof } from './announce';
import { proofOptions } from './options';
import { createProof } from './proof';

/** What acquaint-proof.js (or a container's own copy) hands the runtime, with the page's SHA-256 where it has one. */
export const proofParts = (sha256?: (text: string) => Promise<string>): LoadedProof => ({
  createProof: ({ config, env, fail }) => createProof(proofOptions(config, env, fail), sha256),
});
