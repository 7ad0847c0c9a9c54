import { relayIdUrl } from '../config/relay-routes';
import type { ProofSetup } from './announce';
import type { ProofOptions } from './proof';

/** The receipts' options from a config that names a relay. */
export function proofOptions(
  { relay, consent, identity }: ProofSetup['config'],
  env: ProofSetup['env'],
  fail: ProofSetup['fail'],
): ProofOptions {
  return {
    env,
    relay,
    version: consent?.version ?? 1,
    ...(consent?.banner ? { banner: consent.banner } : {}),
    // The relay keeps the id cookie only where the site names no endpoint of its own.
    idCookie: !identity?.serverIdUrl && relayIdUrl(relay) !== undefined,
    fail,
  };
}
