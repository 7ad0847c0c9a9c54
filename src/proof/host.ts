import type { ConsentChoices } from '../config/schema';
import type { Decision } from '../consent/decision';
import type { LoadedProof, ProofSetup } from './announce';
import type { Proof } from './proof';
import type { ForgetIds, RelayForgot } from './relay-id';

/**
 * The runtime's side of proof (contract §10): decisions wait, in order, for the config; with
 * `relay` they go to the receipts (dist/acquaint.js: acquaint-proof.js, loaded now), and
 * without, nothing is kept.
 */
export function createProofHost() {
  let started!: (proof: Promise<Proof | undefined>) => void;
  const proof = new Promise<Proof | undefined>((resolve) => (started = resolve));
  let made: Proof | undefined;
  let relay = false;
  void proof.then((ready) => (made = ready));
  return {
    decided: (decision: Decision, state: ConsentChoices): void => void proof.then((ready) => ready?.decided(decision, state)),
    /** The config is here: with a relay (`setup`), the receipts start. */
    start(load: (() => Promise<LoadedProof>) | undefined, setup: ProofSetup | undefined): void {
      relay = setup !== undefined;
      started(
        setup
          ? (load ? load() : Promise.reject(new Error('no loadProof')))
              .then((parts) => parts.createProof(setup))
              .catch((error: unknown) => void setup.fail('proof_load_failed', `acquaint-proof.js: ${String(error)}`))
          : Promise.resolve(undefined),
      );
    },
    receipt: () => made?.receipt(),
    withdrawn: (): void => made?.withdrawn(),
    /** Asks the relay to forget these ids, if there is one: whether it confirmed. */
    async forget(ids: ForgetIds): Promise<RelayForgot> {
      const ready = await proof;
      return ready ? ready.forget(ids) : relay ? 'failed' : 'none';
    },
  };
}

export type ProofHost = ReturnType<typeof createProofHost>;

/** A container whose config names no relay: no receipts, and forget() has no relay to ask. */
export const NO_PROOF: ProofHost = {
  decided: () => undefined,
  start: () => undefined,
  receipt: () => undefined,
  withdrawn: () => undefined,
  forget: () => Promise.resolve('none'),
};
