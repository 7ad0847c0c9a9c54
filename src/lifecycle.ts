import * as features from './config/build-features';
import type { LoadedConfig } from './config/load';
import type { Consent } from './consent/consent';
import type { createConsentSignals } from './consent/signals';
import type { DeliveryLog } from './delivery/delivery-log';
import type { Persistence } from './delivery/persistence';
import type { Env } from './env';
import type { EventBuilder } from './events/build';
import type { DebugMode } from './events/debug-mode';
import type { createEarlyBuffer } from './events/early';
import type { AcquaintEvent } from './events/event';
import { followHistory } from './events/navigation';
import type { AudienceTracking } from './identity/audience-tracking';
import { identityOptions, restamp, type Identity } from './identity/identity';
import type { Profile } from './identity/profile';
import type { IdentityStore } from './identity/store';
import { loadAudienceParts } from './personalize/load';
import type { createDestinations } from './pipeline/destinations';
import type { createReporter } from './pipeline/reporter';
import type { createStoragePolicy } from './pipeline/storage-policy';
import type { ProofSetup } from './proof/announce';
import type { ProofHost } from './proof/host';
import type { RelayForgot } from './proof/relay-id';
import { RECEIPTS_KEY } from './proof/receipts';
import { wantsTriggers, type createTriggerHost } from './triggers/host';

/** The parts createAcquaint made (acquaint.ts), as its two sequences below use them. */
export interface Parts {
  env: Env;
  reporter: ReturnType<typeof createReporter>;
  debugMode: DebugMode;
  identity: Identity;
  /** The identity events got before the stored one was read. */
  provisional: Profile;
  consent: Consent;
  signals: ReturnType<typeof createConsentSignals>;
  storage: ReturnType<typeof createStoragePolicy>;
  audiences: AudienceTracking;
  early: ReturnType<typeof createEarlyBuffer>;
  autoPage: AcquaintEvent;
  destinations: ReturnType<typeof createDestinations>;
  builder: EventBuilder;
  accept: (event: AcquaintEvent) => void;
  triggers: ReturnType<typeof createTriggerHost>;
  persistence: Persistence;
  identityStore: IdentityStore;
  deliveryLog: DeliveryLog | undefined;
  proof: ProofHost;
}

/** What `forget()` resolves with: whether the relay confirmed it deleted what it held (`none`: no relay). */
export interface Forgotten {
  relay: RelayForgot;
}

/** What runs once the config is here, in this order; ready() resolves after it. */
export async function start(loaded: LoadedConfig, parts: Parts): Promise<void> {
  const { env, reporter, identity, consent, signals, audiences, destinations, triggers } = parts;
  const { consent: consentConfig, identity: identityConfig, audiences: audienceList, autoPage } = loaded.config;
  // 1. The config's problems said once; debug mode, if asked for.
  if (loaded.issues.length) reporter.configIssues(loaded.issues);
  if (loaded.config.debug || env.debug) await parts.debugMode.enable();
  // 2. Identity's options, consent's (a CMP on the page speaks for the visitor), the page's signals.
  identity.configure(identityOptions(identityConfig));
  consent.configure(consentConfig, signals.followsCmp(consentConfig));
  const config = loaded.config as ProofSetup['config'];
  // The guards here and in forget() keep these steps out of a container without relay (50 bytes gzip).
  if (features.proof) parts.proof.start(env.loadProof, config.relay ? { config, env, fail: reporter.fail } : undefined);
  signals.configure(consentConfig);
  // 3. The audience rules load (dist/acquaint.js: a file of their own) while a returning
  //    visitor's stored identity is read, before any event leaves.
  const loading =
    features.audiences && (audienceList?.length || loaded.personalize !== undefined)
      ? loadAudienceParts(env.loadAudiences, reporter.fail)
      : undefined;
  await parts.storage.restore();
  const audienceParts = await loading;
  const personalize = audienceParts?.personalize(loaded.personalize, audienceList ?? [], reporter.configIssues);
  const history = {
    maxEvents: identityConfig?.historyMaxEvents ?? 500,
    maxAgeMs: (identityConfig?.historyMaxAgeDays ?? 90) * 86_400_000,
  };
  audiences.configure(audienceList, history, audienceParts?.createAudiences, personalize);
  // 4. The routes, and the events that waited for them, with the stored identity.
  const waited = parts.early.take().filter((event) => event !== parts.autoPage || autoPage !== false);
  restamp(waited, parts.provisional, identity.get());
  const routes = destinations.start(loaded, consent.get(), audiences.members, () => identity.get().traits);
  audiences.update(); // time may have moved members out since the last visit
  for (const event of waited) {
    routes.offer(event);
    audiences.update(event);
  }
  // 5. Storage follows consent from here on.
  parts.storage.sync();
  // 6. Single-page navigation, and the triggers.
  const { tags } = loaded;
  const triggered = wantsTriggers(tags);
  if (autoPage === 'history' || triggered) {
    followHistory(env, (previousUrl) => {
      if (autoPage === 'history') parts.accept(parts.builder.page({}, previousUrl));
      destinations.routes?.navigated(consent.get());
      triggers.navigated();
    });
  }
  if (triggered) triggers.start(tags);
}

/**
 * Erases every id, trait, queued event, count and the consent choice on this device, and asks the
 * relay (if any) to delete what it holds for this visitor and has not forwarded. Consent receipts
 * not yet sent stay queued: they hold nothing about the visitor and are owed.
 */
export async function forget(parts: Parts): Promise<Forgotten> {
  const { env, identity, audiences, consent } = parts;
  const { anonymousId, userId } = identity.get();
  parts.destinations.forget();
  await Promise.all([parts.persistence.clear(), parts.identityStore.clear()]);
  for (const key of env.localStore?.keys() ?? []) if (key.startsWith('acquaint.') && key !== RECEIPTS_KEY) env.localStore!.remove(key);
  identity.reset();
  audiences.clear();
  parts.deliveryLog?.clear();
  consent.forget();
  parts.storage.sync(); // only if the defaults themselves allow storage
  return { relay: features.proof ? await parts.proof.forget({ anonymousId, userId }) : 'none' };
}
