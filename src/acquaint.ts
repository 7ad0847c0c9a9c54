import * as features from './config/build-features';
import { parseConfig, type LoadedConfig } from './config/load';
import { formatIssues, type ConfigIssue } from './config/report';
import { createBanner } from './consent/banner';
import { createConsent } from './consent/consent';
import { consentRecordStore, noConsentRecord } from './consent/record';
import { createConsentSignals } from './consent/signals';
import { routeCommand } from './datalayer/commands';
import { adoptDataLayer } from './datalayer/datalayer';
import { createModel } from './datalayer/model';
import { createDeliveryLog } from './delivery/delivery-log';
import { createPersistence, QUEUE_DATABASE } from './delivery/persistence';
import type { AdapterType } from './destinations/adapter';
import { createDestinations } from './pipeline/destinations';
import type { Env } from './env';
import { createEventBuilder } from './events/build';
import { followHistory } from './events/navigation';
import { createReporter } from './pipeline/reporter';
import { createDebugMode } from './events/debug-mode';
import { createTrace } from './events/trace';
import { identityApi } from './identity/api';
import { createIdentity, identityOptions, restamp } from './identity/identity';
import { createAudienceTracking } from './identity/audience-tracking';
import { createIdentityStore, IDENTITY_DATABASE } from './identity/store';
import type { BannerLayer } from './consent-ui/types';
import type { AcquaintEvent } from './events/event';
import { REPORT_TYPES, type AcquaintEvents, type DropReason } from './events/reports';
import { createEmitter } from './lib/emitter';
import { createTriggerHost, wantsTriggers } from './triggers/host';
import { isPlainObject } from './lib/is';
import { createLog } from './lib/log';
import type { LoadedAudiences } from './personalize/announce';

export interface AcquaintOptions {
  /** The config JSON (contract §4), or a promise of it; validated here (a container build: checked and compiled in). */
  config: unknown;
  /** A GTM-style array to adopt; pushes made to it before are processed first, in order. */
  dataLayer?: unknown[];
  env: Env;
  /** Destination types of your own (or the built-in tags, bundled): the same as `register` for each. */
  adapters?: AdapterType[];
}

// Events accepted before the config arrives wait here (bounded: the config may never come).
const EARLY_LIMIT = 1000;

/** Creates one acquaint instance: data layer, consent, destinations. Touches no globals. */
export function createAcquaint({ config, dataLayer = [], env, adapters = [] }: AcquaintOptions) {
  const log = createLog(env.console);
  const emitter = createEmitter<AcquaintEvents>((error, type) => log.error(`acquaint: an on('${String(type)}') listener threw: ${String(error)}`));
  // The trace is in this file, or (a rare need) loaded from acquaint-debug.js when debug mode turns on.
  const debugMode = createDebugMode(env.console, log.setDebug, features.debugTrace ? () => createTrace : (env.loadDebug ?? noTraceFile));
  // Why an event waits at a gate is consent's to say (debug mode asks as it traces a hold).
  const reporter = createReporter(emitter, log, debugMode.trace, (purpose) => consent.waitingFor(purpose));
  const { fail } = reporter;
  const dropped = (events: AcquaintEvent[], reason: DropReason): void => reporter.dropped(events.map((e) => e.messageId), reason);

  const identity = createIdentity(env, identityOptions(undefined), (profile) => identityStore.changed(profile));
  const identityStore = createIdentityStore(env, identity, log.debug);
  env.onPageHide(identityStore.rescue);
  // Events made before a stored identity is read carry this one; they get the stored one.
  const provisional = identity.get();
  const tabId = env.uuid();
  const persistence = createPersistence(env, tabId, log.debug);
  // Nothing is written to the device before a storage purpose is granted (contract §5).
  // Withdrawn, it takes back what was stored: queues and identity go on in memory only.
  const syncStorage = (): void => {
    const { routes } = destinations;
    if (!routes) return;
    if (!consent.storageAllowed()) {
      if (persistence.enabled) void persistence.clear();
      if (identityStore.enabled) void identityStore.clear();
      deliveryLog?.clear();
      return;
    }
    if (!persistence.enabled) void routes.persist(consent.get());
    if (!identityStore.enabled) void identityStore.enable(serverIdUrl).then(storageEnabled);
  };
  const storageEnabled = (): void => {
    destinations.storageEnabled();
    deliveryLog?.restore(identityStore.stored('deliveries'));
    audiences.storageReady();
  };
  // Where events went, counted on the device for "Your data" (in the banner; only while storage is allowed).
  const deliveryLog = features.banner ? createDeliveryLog({ now: env.now, allowed: () => consent.storageAllowed(), save: (counts) => identityStore.save('deliveries', counts) }) : undefined;
  const reports: typeof reporter.routes = !deliveryLog ? reporter.routes : {
    ...reporter.routes,
    delivered(destination, messageIds) {
      reporter.routes.delivered(destination, messageIds);
      deliveryLog.delivered(destination, messageIds.length);
    },
  };
  const builder = createEventBuilder(env, () => {
    const profile = identity.touch();
    identityStore.active(profile);
    return profile;
  });
  let serverIdUrl: string | undefined;
  const destinations = createDestinations({ env, persistence, tabId, identityStore, reports, log, fail, trace: debugMode.trace });
  adapters.forEach(destinations.register);
  let early: AcquaintEvent[] = [];

  // On-device audiences: only while personalization is granted, and only on this device.
  const audiences = !features.audiences ? NO_AUDIENCES : createAudienceTracking({
    now: env.now,
    traits: () => identity.get().traits,
    sessionId: () => identity.get().sessionId,
    personal: () => consent.get().personalization === 'granted',
    undecided: () => consent.undecided('personalization'),
    storable: () => consent.storageAllowed(),
    store: identityStore,
    local: env.localStore,
    show: env.showAudiences,
    push: (message) => void dataLayer.push(message),
    setTimeout: env.setTimeout,
  });

  function accept(event: AcquaintEvent): void {
    const { routes } = destinations;
    if (routes) {
      routes.offer(event);
      // After the event itself: a membership change it causes is pushed behind it.
      return audiences.update(event);
    }
    early.push(event);
    if (early.length > EARLY_LIMIT) dropped(early.splice(0, 1), 'buffer_overflow');
  }

  const consent = createConsent({
    gpc: env.gpc,
    ...(env.region ? { region: env.region } : {}),
    now: env.now,
    record: features.consentRecord ? consentRecordStore(env) : noConsentRecord(env),
    changed(state) {
      destinations.routes?.consentChanged(state);
      syncStorage();
      audiences.consentChanged();
      signals.changed();
      emitter.emit('consent', { ...state }); // a copy: listeners must not change what gates stamp
    },
    invalid: (message) => fail('invalid_consent', message),
  });
  const bannerFailed = (message: string): void => fail('banner_failed', message);
  // "Your data" in the banner: read when it opens, from what this page and the device hold.
  let current: LoadedConfig | undefined;
  const visitorData = {
    data: async () => ({
      user: identity.get(),
      hashTraits: current?.config.identity?.hashTraits ?? [],
      members: audiences.members(),
      audiences: current?.config.audiences ?? [],
      destinations: current?.destinations ?? [],
      deliveries: deliveryLog!.counts(),
      databases: { [IDENTITY_DATABASE]: await identityStore.entries().catch(() => []), [QUEUE_DATABASE]: await persistence.entries().catch(() => []) },
    }),
    forget,
  };
  const banner = features.banner ? createBanner(env, consent, bannerFailed, visitorData) : withoutBanner(bannerFailed);
  const signals = createConsentSignals(env, consent, banner, dataLayer, fail);

  const model = createModel((reason, path) => log.warnOnce(`acquaint: skipped "${path}" in a dataLayer push (${reason})`));
  // The automatic page view goes first: it stands for the load that the early pushes happened in.
  const autoPage = builder.page({});
  accept(autoPage);
  // Triggers only push to the data layer; debug mode names the trigger of each event.
  const triggers = !features.triggers ? NO_TRIGGERS : createTriggerHost({ loadTriggers: env.loadTriggers, dataLayer, get: model.get, report: reportConfigIssues, debug: log.debug, fail });
  adoptDataLayer(dataLayer, model, {
    event(message) {
      const origin = triggers.originOf(message);
      if (origin) debugMode.trace()?.from(origin);
      accept(builder.track(message.event as string, message));
    },
    command: (args, raw) => {
      if (signals.isOwn(raw)) return;
      routeCommand(args, {
        consent: signals.fromPage,
        set: (values) => model.merge(values),
        event: (name, params) => accept(builder.track(name, params)),
        debug: log.debug,
      });
    },
    error: (error) => fail('push_failed', `a dataLayer push threw: ${String(error)}`),
    debug: log.debug,
  });

  async function start(loaded: LoadedConfig): Promise<void> {
    current = loaded;
    if (loaded.issues.length) reportConfigIssues(loaded.issues);
    if (loaded.config.debug || env.debug) await debugMode.enable();
    identity.configure(identityOptions(loaded.config.identity));
    consent.configure(loaded.config.consent, signals.followsCmp(loaded.config.consent));
    signals.configure(loaded.config.consent);
    // The audience rules load (dist/acquaint.js: a file of their own) while the identity is read.
    const audienceParts = features.audiences && (loaded.config.audiences?.length || loaded.personalize !== undefined) ? loadAudiences() : undefined;
    // A returning visitor who allowed storage: their stored identity first, then the events.
    serverIdUrl = loaded.config.identity?.serverIdUrl;
    if (consent.storageAllowed()) await identityStore.enable(serverIdUrl).then(storageEnabled);
    const history = loaded.config.identity;
    const parts = await audienceParts;
    const personalize = parts?.personalize(loaded.personalize, loaded.config.audiences ?? [], reportConfigIssues);
    audiences.configure(loaded.config.audiences, { maxEvents: history?.historyMaxEvents ?? 500, maxAgeMs: (history?.historyMaxAgeDays ?? 90) * 86_400_000 }, parts?.createAudiences, personalize);
    restamp(early, provisional, identity.get());
    const routes = destinations.start(loaded, consent.get(), audiences.members);
    const replay = loaded.config.autoPage === false ? early.filter((e) => e !== autoPage) : early;
    early = [];
    audiences.update(); // time may have moved members out since the last visit
    for (const event of replay) {
      routes.offer(event);
      audiences.update(event);
    }
    syncStorage();
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
    syncStorage(); // only if the defaults themselves allow storage
  }

  function loadAudiences(): Promise<LoadedAudiences | undefined> {
    const loading = env.loadAudiences?.() ?? Promise.reject(new Error('this environment has no loadAudiences'));
    return loading.catch((error: unknown) => {
      fail('audiences_load_failed', `acquaint-audiences.js: ${error instanceof Error ? error.message : String(error)}; no audiences`);
      return undefined;
    });
  }

  function reportConfigIssues(issues: ConfigIssue[]): void {
    log.error(formatIssues(issues));
    emitter.emit('error', { code: 'invalid_config', message: 'invalid config', issues });
  }

  const loaded: Promise<LoadedConfig> = !features.configAtRuntime
    ? Promise.resolve(config as LoadedConfig)
    : Promise.resolve(config).then(parseConfig, (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        log.error(`acquaint: config unavailable: ${message}; the data layer works, nothing is sent`);
        fail('config_unavailable', message);
        dropped(early, 'config_unavailable');
        early = [];
        return parseConfig({ version: 1 });
      });
  const ready = loaded.then(start);

  return {
    ready: (): Promise<void> => ready,
    get: (path: string): unknown => model.get(String(path)),
    track(event: string, properties?: Record<string, unknown>): void {
      if (typeof event !== 'string' || !event) return fail('invalid_track', 'track(event, properties): event must be a non-empty string');
      if (properties !== undefined && !isPlainObject(properties)) return fail('invalid_track', 'track(event, properties): properties must be a plain object');
      dataLayer.push({ ...properties, event });
    },
    page(properties?: Record<string, unknown>): void {
      if (properties !== undefined && !isPlainObject(properties)) return fail('invalid_page', 'page(properties): properties must be a plain object');
      accept(builder.page(properties ?? {}));
    },
    on<K extends keyof AcquaintEvents>(type: K, listener: (payload: AcquaintEvents[K]) => void): () => void {
      if (!REPORT_TYPES.includes(type) || typeof listener !== 'function') {
        log.error(`acquaint: on(type, listener): type must be one of ${REPORT_TYPES.join(', ')} and listener a function`);
        return () => undefined;
      }
      return emitter.on(type, listener);
    },
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

// Stand-ins for the parts a container build leaves out (config/build-features.ts).
const noTraceFile = (): Promise<never> => Promise.reject(new Error('acquaint-debug.js cannot load here'));
const nothing = (): undefined => undefined;
const NO_AUDIENCES: ReturnType<typeof createAudienceTracking> = { configure: nothing, storageReady: nothing, update: nothing, consentChanged: nothing, clear: nothing, members: () => [] };
const NO_TRIGGERS: ReturnType<typeof createTriggerHost> = { originOf: nothing, navigated: nothing, start: nothing };

/** A container whose config names no banner: `consent.show()` says so. */
function withoutBanner(fail: (message: string) => void): ReturnType<typeof createBanner> {
  return { configure: () => undefined, wanted: false, show: () => Promise.resolve(fail('this build has no consent banner: its config has no consent.banner')) };
}
