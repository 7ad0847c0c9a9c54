import * as features from './config/build-features';
import { loadConfig, type LoadedConfig } from './config/load';
import type { ConsentChoices } from './config/schema';
import { createBanner, noBanner } from './consent/banner';
import { createConsent } from './consent/consent';
import { consentRecordStore, noConsentRecord } from './consent/record';
import { createConsentSignals } from './consent/signals';
import type { BannerLayer } from './consent-ui/types';
import { adoptDataLayer } from './datalayer/datalayer';
import { createModel } from './datalayer/model';
import { createDeliveryLog } from './delivery/delivery-log';
import { createPersistence } from './delivery/persistence';
import type { AdapterType } from './destinations/adapter';
import type { Env } from './env';
import { eventApi } from './events/api';
import { createEventBuilder } from './events/build';
import { createDebugMode, noTraceFile } from './events/debug-mode';
import { createEarlyBuffer } from './events/early';
import type { AcquaintEvent } from './events/event';
import { followHistory } from './events/navigation';
import { createTrace } from './events/trace';
import { identityApi } from './identity/api';
import { NO_AUDIENCES, trackAudiences } from './identity/audience-tracking';
import { createIdentity, identityOptions, restamp } from './identity/identity';
import { createIdentityStore } from './identity/store';
import { createLog } from './lib/log';
import { loadAudienceParts } from './personalize/load';
import { createDestinations } from './pipeline/destinations';
import { dataLayerIntake } from './pipeline/intake';
import { createReporter } from './pipeline/reporter';
import { createStoragePolicy } from './pipeline/storage-policy';
import { visitorData } from './pipeline/visitor-data';
import { createTriggerHost, NO_TRIGGERS, wantsTriggers } from './triggers/host';

export interface AcquaintOptions {
  /** The config JSON (contract §4), or a promise of it; validated here (a container build: checked and compiled in). */
  config: unknown;
  /** A GTM-style array to adopt; pushes made to it before are processed first, in order. */
  dataLayer?: unknown[];
  env: Env;
  /** Destination types of your own (or the built-in tags, bundled): the same as `register` for each. */
  adapters?: AdapterType[];
}

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

  // 2. Consent, which every part below asks; its changes reach them in the order of step 8.
  const consentListeners: ((state: ConsentChoices) => void)[] = [];
  const consent = createConsent({
    gpc: env.gpc,
    ...(env.region ? { region: env.region } : {}),
    now: env.now,
    record: features.consentRecord ? consentRecordStore(env) : noConsentRecord(env),
    changed: (state) => consentListeners.forEach((listener) => listener(state)),
    invalid: (message) => fail('invalid_consent', message),
  });

  // 3. Identity, in memory until storage is allowed. It and its store depend both ways: the store
  //    reads the identity it restores, and saves each change the identity makes.
  const identity = createIdentity(env, identityOptions(undefined), (profile) => identityStore.changed(profile));
  const identityStore = createIdentityStore(env, identity, log.debug);
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
  const destinations = createDestinations({
    env,
    persistence,
    tabId,
    identityStore,
    reports,
    log,
    fail,
    trace: debugMode.trace,
    waitingFor: consent.waitingFor,
  });
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
    serverIdUrl: () => current?.config.identity?.serverIdUrl,
    opened() {
      destinations.storageEnabled();
      deliveryLog?.restore(identityStore.stored('deliveries'));
      audiences.storageReady();
    },
    withdrawn: () => deliveryLog?.clear(),
  });

  // 6. The banner, with "Your data", and the page's own signals (Consent Mode, TCF, GPP).
  const bannerFailed = (message: string): void => fail('banner_failed', message);
  const banner = !features.banner
    ? noBanner(bannerFailed)
    : createBanner(env, consent, bannerFailed, {
        data: visitorData({
          identity,
          config: () => current,
          members: audiences.members,
          deliveries: deliveryLog!.counts,
          profileEntries: identityStore.entries,
          queueEntries: persistence.entries,
        }),
        forget,
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
  const triggers = !features.triggers
    ? NO_TRIGGERS
    : createTriggerHost({
        loadTriggers: env.loadTriggers,
        dataLayer,
        get: model.get,
        report: reporter.configIssues,
        debug: log.debug,
        fail,
      });
  const { originOf } = triggers;
  adoptDataLayer(
    dataLayer,
    model,
    dataLayerIntake({ builder, accept, model, originOf, consent: signals, trace: debugMode.trace, debug: log.debug, fail }),
  );

  // 10. The config: checked here (the generic build) or compiled in (a container); then start.
  const ready = (features.configAtRuntime ? loadConfig(config, configUnavailable) : Promise.resolve(config as LoadedConfig)).then(start);

  async function start(loaded: LoadedConfig): Promise<void> {
    current = loaded;
    const { consent: consentConfig, identity: identityConfig, audiences: audienceList } = loaded.config;
    // 1. The config's problems said once; debug mode, if asked for.
    if (loaded.issues.length) reporter.configIssues(loaded.issues);
    if (loaded.config.debug || env.debug) await debugMode.enable();
    // 2. Identity's options, consent's (a CMP on the page speaks for the visitor), the page's signals.
    identity.configure(identityOptions(identityConfig));
    consent.configure(consentConfig, signals.followsCmp(consentConfig));
    signals.configure(consentConfig);
    // 3. The audience rules load (dist/acquaint.js: a file of their own) while a returning
    //    visitor's stored identity is read, before any event leaves.
    const loading =
      features.audiences && (audienceList?.length || loaded.personalize !== undefined)
        ? loadAudienceParts(env.loadAudiences, fail)
        : undefined;
    await storage.restore();
    const parts = await loading;
    const personalize = parts?.personalize(loaded.personalize, audienceList ?? [], reporter.configIssues);
    const history = {
      maxEvents: identityConfig?.historyMaxEvents ?? 500,
      maxAgeMs: (identityConfig?.historyMaxAgeDays ?? 90) * 86_400_000,
    };
    audiences.configure(audienceList, history, parts?.createAudiences, personalize);
    // 4. The routes, and the events that waited for them, with the stored identity.
    const waited = early.take().filter((event) => event !== autoPage || loaded.config.autoPage !== false);
    restamp(waited, provisional, identity.get());
    const routes = destinations.start(loaded, consent.get(), audiences.members);
    audiences.update(); // time may have moved members out since the last visit
    for (const event of waited) {
      routes.offer(event);
      audiences.update(event);
    }
    // 5. Storage follows consent from here on.
    storage.sync();
    // 6. Single-page navigation, and the triggers.
    const { tags } = loaded;
    const triggered = wantsTriggers(tags);
    if (loaded.config.autoPage === 'history' || triggered) {
      followHistory(env, (previousUrl) => {
        if (loaded.config.autoPage === 'history') accept(builder.page({}, previousUrl));
        destinations.routes?.navigated(consent.get());
        triggers.navigated();
      });
    }
    if (triggered) triggers.start(tags);
  }

  /** Erases every id, trait, queued event, count and the consent choice on this device. */
  async function forget(): Promise<void> {
    await ready;
    destinations.forget();
    await Promise.all([persistence.clear(), identityStore.clear()]);
    for (const key of env.localStore?.keys() ?? []) if (key.startsWith('acquaint.')) env.localStore!.remove(key);
    identity.reset();
    audiences.clear();
    deliveryLog?.clear();
    consent.forget();
    storage.sync(); // only if the defaults themselves allow storage
  }

  function configUnavailable(message: string): void {
    log.error(`acquaint: config unavailable: ${message}; the data layer works, nothing is sent`);
    fail('config_unavailable', message);
    reporter.droppedEvents(early.take(), 'config_unavailable');
  }

  return {
    ready: (): Promise<void> => ready,
    get: (path: string): unknown => model.get(String(path)),
    ...eventApi(dataLayer, builder, accept, fail),
    on: reporter.on,
    flush: (): Promise<void> => ready.then(() => destinations.routes?.flush()),
    /** Debug mode as data: every recent event and where it went at each destination, and why not. */
    debug: debugMode.report,
    register: destinations.register,
    ...identityApi({ identity, builder, accept, audiences: audiences.members, fail }),
    forget,
    consent: {
      get: consent.get,
      update: consent.update,
      /** Opens the banner again (a "cookie settings" link): the short layer, the per-purpose one, or "Your data". */
      show: (layer?: BannerLayer): Promise<void> => ready.then(() => banner.show(layer)),
    },
  };
}

export type Acquaint = ReturnType<typeof createAcquaint>;
