import { publicApi, type AcquaintOptions } from './api';
import * as features from './config/build-features';
import { loadConfig, type LoadedConfig } from './config/load';
import type { ConsentChoices } from './config/schema';
import { createBanner, noBanner } from './consent/banner';
import { createConsent } from './consent/consent';
import { consentRecordStore, noConsentRecord } from './consent/record';
import { createConsentSignals } from './consent/signals';
import { adoptDataLayer } from './datalayer/datalayer';
import { createModel } from './datalayer/model';
import { createDeliveryLog } from './delivery/delivery-log';
import { createPersistence } from './delivery/persistence';
import { createEventBuilder } from './events/build';
import { createDebugMode, noTraceFile } from './events/debug-mode';
import { createEarlyBuffer } from './events/early';
import type { AcquaintEvent } from './events/event';
import { createTrace } from './events/trace';
import { NO_AUDIENCES, trackAudiences } from './identity/audience-tracking';
import { createIdentity, identityOptions } from './identity/identity';
import { syncServerId } from './identity/server-id';
import { createIdentityStore } from './identity/store';
import { createUnsavedNotes } from './identity/unsaved-notes';
import { createLog } from './lib/log';
import { createDestinations } from './pipeline/destinations';
import { dataLayerIntake } from './pipeline/intake';
import { createReporter } from './pipeline/reporter';
import { createStoragePolicy } from './pipeline/storage-policy';
import { visitorData } from './pipeline/visitor-data';
import { forget, start, type Forgotten, type Parts } from './lifecycle';
import { relayIdUrl } from './config/relay-routes';
import { createProofHost, NO_PROOF } from './proof/host';
import { createTriggerHost, NO_TRIGGERS } from './triggers/host';

/**
 * Creates one acquaint instance: data layer, consent, destinations. Touches no globals. The parts
 * are made in the order they depend on each other; the two that depend both ways are said so.
 */
export function createAcquaint({ config, dataLayer = [], env, adapters = [] }: AcquaintOptions) {
  // 1. How outcomes are told: the console, on(…), and debug mode's trace (in this file, or
  //    acquaint-debug.js loaded when debug mode turns on).
  const log = createLog(env.console);
  const debugMode = createDebugMode(env.console, log.setDebug, features.debugTrace ? () => createTrace : (env.loadDebug ?? noTraceFile));
  const reporter = createReporter(log, debugMode.trace);
  const { fail } = reporter;

  // 2. Consent, which every part below asks; its changes reach them in the order of step 8. Each
  //    decision also becomes a consent receipt at the relay, once the config names one.
  const consentListeners: ((state: ConsentChoices) => void)[] = [];
  const proof = features.proof ? createProofHost() : NO_PROOF;
  const consent = createConsent({
    gpc: env.gpc,
    ...(env.region ? { region: env.region } : {}),
    now: env.now,
    record: features.consentRecord ? consentRecordStore(env) : noConsentRecord(env),
    changed: (state) => consentListeners.forEach((listener) => listener(state)),
    decided: proof.decided,
    invalid: (message) => fail('invalid_consent', message),
  });

  // 3. Identity, in memory until storage is allowed. It and its store depend both ways: the store
  //    reads the identity it restores, and saves each change the identity makes.
  const identity = createIdentity(env, identityOptions(undefined), (profile) => identityStore.changed(profile));
  const notes = features.unsavedNotes && env.localStore ? createUnsavedNotes(env.localStore, env.uuid()) : undefined;
  const identityStore = createIdentityStore(env, identity, log.debug, notes, features.serverId ? syncServerId : undefined);
  env.onPageHide(identityStore.rescue);
  const provisional = identity.get(); // events made before the stored identity is read get that one
  const builder = createEventBuilder(env, () => identityStore.active(identity.touch()));

  // 4. Delivery: this tab's durable queues, and the device's count of where events went ("Your data").
  const tabId = env.uuid();
  const persistence = createPersistence(env, tabId, log.debug);
  const deliveryLog = features.banner
    ? createDeliveryLog({ now: env.now, allowed: consent.storageAllowed, save: (counts) => identityStore.save('deliveries', counts) })
    : undefined;
  const reports = deliveryLog ? { ...reporter.routes, delivered: deliveryLog.counting(reporter.routes.delivered) } : reporter.routes;

  // 5. Destinations (their routes are made once the config is here), audiences, and storage following consent.
  const { trace } = debugMode;
  const destinations = createDestinations({ env, persistence, tabId, identityStore, reports, log, fail, trace, consent });
  adapters.forEach(destinations.register);
  const push = (message: Record<string, unknown>): void => void dataLayer.push(message);
  const audiences = features.audiences ? trackAudiences({ identity, consent, store: identityStore, env, push }) : NO_AUDIENCES;
  let current: LoadedConfig | undefined;
  const storage = createStoragePolicy({
    allowed: consent.storageAllowed,
    state: consent.get,
    routes: () => destinations.routes,
    persistence,
    identityStore,
    // The site's own endpoint, else the relay's where it is on this origin (contract §10).
    serverIdUrl: () => current?.config.identity?.serverIdUrl ?? (features.proof ? relayIdUrl(current?.config.relay) : undefined),
    opened() {
      destinations.storageEnabled();
      deliveryLog?.restore(identityStore.stored('deliveries'));
      audiences.storageReady();
    },
    withdrawn(stored) {
      deliveryLog?.clear();
      if (stored) proof.withdrawn();
    },
  });

  // 6. The banner, with "Your data", and the page's own signals (Consent Mode, TCF, GPP).
  const bannerFailed = (message: string): void => fail('banner_failed', message);
  const banner = !features.banner
    ? noBanner(bannerFailed)
    : createBanner(env, consent, bannerFailed, {
        data: visitorData({ identity, config: () => current, audiences, deliveryLog: deliveryLog!, identityStore, persistence, proof }),
        forget: () => forgetAll(),
      });
  const signals = createConsentSignals(env, consent, banner, dataLayer, fail);

  // 7. Events wait for the config (bounded); then each goes to the routes, and then to the audiences
  //    (a membership change it causes is pushed behind it).
  const early = createEarlyBuffer(reporter.droppedEvents);
  function accept(event: AcquaintEvent): void {
    const { routes } = destinations;
    if (!routes) return early.add(event);
    routes.offer(event);
    audiences.update(event);
  }

  // 8. Consent changes reach: the gates and queues, storage, audiences, the Consent Mode mirror, on('consent').
  consentListeners.push(
    (state) => destinations.routes?.consentChanged(state),
    storage.sync,
    audiences.consentChanged,
    signals.changed,
    reporter.consentChanged,
  );

  // 9. The data layer: the automatic page view first (it stands for the load the early pushes
  //    happened in), then every push, from the page or from a trigger (debug mode names it).
  const model = createModel((reason, path) => log.warnOnce(`acquaint: skipped "${path}" in a dataLayer push (${reason})`));
  const autoPage = builder.page({});
  accept(autoPage);
  const { get } = model;
  const { debug } = log;
  const triggers = !features.triggers
    ? NO_TRIGGERS
    : createTriggerHost({ loadTriggers: env.loadTriggers, dataLayer, get, report: reporter.configIssues, debug, fail });
  adoptDataLayer(dataLayer, model, dataLayerIntake({ builder, accept, model, triggers, consent: signals, trace, debug, fail }));

  // 10. The config: checked here (the generic build) or compiled in (a container); then start
  //     (lifecycle.ts, as forget).
  // prettier-ignore
  const parts: Parts = { env, reporter, debugMode, identity, provisional, consent, signals, storage, audiences,
    early, autoPage, destinations, builder, accept, triggers, persistence, identityStore, deliveryLog, proof };
  const loading = features.configAtRuntime
    ? loadConfig(config, (message) => reporter.configUnavailable(message, early.take()))
    : Promise.resolve(config as LoadedConfig);
  const ready = loading.then((loaded) => start((current = loaded), parts));
  const forgetAll = (): Promise<Forgotten> => ready.then(() => forget(parts));

  return publicApi(parts, ready, { dataLayer, get, banner, forget: forgetAll });
}

export type Acquaint = ReturnType<typeof createAcquaint>;
