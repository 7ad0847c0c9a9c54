import * as features from '../config/build-features';
import type { LoadedConfig } from '../config/load';
import type { DeliveryConfig } from '../config/schema';
import { allGranted, anyDenied, createGate, type Gate } from '../consent/gate';
import type { ConsentChoices } from '../consent/consent';
import { createOutbox, type Outbox } from '../delivery/outbox';
import type { Orphan, Persistence } from '../delivery/persistence';
import type { QueueRecord } from '../delivery/record';
import type { Platform } from '../lib/platform';
import type { AcquaintEvent, PageContext } from '../events/event';
import type { DropReason } from '../events/reports';
import type { RouteReports } from './reporter';
import type { Trace } from '../events/trace';
import { AUDIENCE_EVENT } from '../identity/audience-tracking';
import type { Adapter } from '../destinations/adapter';
import { hashedBy } from '../config/destination-types';
import type { Caps } from '../rules/caps';
import { lateAdapter } from './late';
import type { Registry } from './registry';
import { createRules, type RuleResult, type Rules } from '../rules/rules';

interface Route {
  id: string;
  audiences: boolean;
  contextTraits: readonly string[] | undefined;
  purposes: readonly string[];
  adapter: Adapter;
  rules: Rules;
  gate: Gate;
  outbox: Outbox;
}

export interface RouteDeps {
  env: Platform & { page(): Pick<PageContext, 'url' | 'path'> };
  persistence: Persistence;
  tabId: string;
  registry: Registry;
  caps: Caps;
  reports: RouteReports;
  audiences(): string[];
  /** The visitor's traits now (for a destination with `contextTraits`). */
  traits(): Record<string, unknown>;
  /** Debug mode's trace, when it is on. */
  trace(): Trace | undefined;
  /** Why a pending purpose waits, when consent knows more than "pending". */
  waitingFor(purpose: string): string | undefined;
}

// Events held per destination while a purpose is pending (contract §5: bounded).
const HOLD_LIMIT = 1000;
const DELIVERY_DEFAULTS: Required<DeliveryConfig> = {
  flushIntervalMs: 1000,
  maxQueueEvents: 10_000,
  maxQueueBytes: 5_000_000,
  maxAgeHours: 72,
  retryBaseMs: 1000,
  maxRetryDelayMs: 60_000,
};

// The adapter of a destination: made now if its type is here, else when it arrives.
function adapterFor(
  { id, type, purposes, settings }: LoadedConfig['destinations'][number],
  { registry, env, reports }: RouteDeps,
  arrived: () => void,
): Adapter | undefined {
  const known = registry.get(type);
  if (!known) return features.lateTypes ? lateAdapter(id, purposes, settings, () => registry.when(type), env, arrived) : undefined;
  const adapter = known.create(id, purposes, env);
  try {
    adapter.init(settings as never);
    return adapter;
  } catch (error) {
    reports.initFailed(id, error);
    return undefined;
  }
}

/** The event with `context.traits`: only the named traits the visitor has. */
function withTraits(event: AcquaintEvent, keys: readonly string[], traits: Record<string, unknown>): AcquaintEvent {
  const picked: Record<string, unknown> = {};
  for (const key of keys) if (traits[key] != null) picked[key] = traits[key];
  return Object.keys(picked).length ? { ...event, context: { ...event.context, traits: picked } } : event;
}

/**
 * Wires each valid destination as gate → rules → outbox → adapter (DESIGN.md's flow); a
 * destination whose init throws is left out alone.
 */
export function createRoutes(loaded: LoadedConfig, consent: ConsentChoices, deps: RouteDeps) {
  const { env, persistence, tabId, reports } = deps;
  const routes: Route[] = [];
  // identity.hashTraits: those traits leave every destination only hashed, as a `hash` rule would.
  const hashedTraits = (loaded.config.identity?.hashTraits ?? []).map((key) => `traits.${key}`);
  for (const destination of loaded.destinations) {
    const { id, purposes, delivery, audiences: optedIn = false, contextTraits } = destination;
    const adapter = adapterFor(destination, deps, () => outbox.resume());
    if (!adapter) continue;
    const options = { ...DELIVERY_DEFAULTS, ...loaded.config.delivery, ...delivery };
    const outbox = createOutbox(
      adapter,
      { ...options, maxEvents: options.maxQueueEvents, maxBytes: options.maxQueueBytes, maxAgeMs: options.maxAgeHours * 3_600_000 },
      env,
      persistence,
      tabId,
      reports,
    );
    const drop = (events: AcquaintEvent[], reason: DropReason) =>
      reports.dropped(
        id,
        events.map((e) => e.messageId),
        reason,
      );
    const hash = [...(destination.hash ?? []), ...hashedBy(destination.type), ...hashedTraits];
    const rules = createRules(id, { ...destination, hash }, deps.caps, env.sha256);
    const gate = createGate(
      {
        purposes,
        limit: HOLD_LIMIT,
        pass: ordered(
          rules,
          (event, result) => {
            reports.ruled(id, event, result);
            if ('event' in result) {
              outbox.add(result.event);
              // Tracked in pagehide (a site's own listener, before or after acquaint's): it leaves now,
              // as the rest did, since its IndexedDB write waits for a task the page may never run.
              if (env.leaving?.()) unload();
            } else if (result.skip !== 'filtered') drop([event], result.skip); // filtered: the destination never wanted it
          },
          (event) => drop([event], 'rejected'),
        ),
        drop,
      },
      consent,
    );
    const route = { id, purposes, audiences: optedIn, contextTraits, adapter, rules, gate, outbox };
    routes.push(route);
    permit(route, consent);
  }

  function unload(): void {
    // Beacons first, then the rescue note of what is left: Firefox may end the page during a
    // localStorage write of pagehide, and what is already on its way is not lost with it.
    for (const route of routes) route.outbox.unload();
    persistence.rescue(routes.flatMap((route) => route.outbox.records()));
  }

  // Debug mode: why an event waits at a destination's gate (a denied one reports its drop).
  function traceGate(route: Route, event: AcquaintEvent): void {
    const { state } = route.gate;
    if (route.purposes.some((p) => state[p] === 'denied')) return;
    const pending = route.purposes.filter((p) => state[p] !== 'granted');
    if (!pending.length) return;
    const why = pending.map((purpose) => {
      const reason = deps.waitingFor(purpose);
      return reason ? `${purpose}: ${reason}` : `${purpose} pending`;
    });
    reports.held(route.id, event, why.join('; '));
  }

  // A vendor tag loads once its destination is allowed on this page, and hears of consent changes.
  function permit(route: Route, state: ConsentChoices): void {
    const allowed = allGranted(route.purposes, state) && !route.rules.blocks(env.page());
    Promise.resolve(route.adapter.permit?.(allowed, state)).catch((error: unknown) => reports.loadFailed(route.id, error));
  }

  // What to do with a record a gone tab left: send it if its destination may receive now.
  const decide =
    (state: ConsentChoices) =>
    (record: QueueRecord): Orphan => {
      const route = routes.find((r) => r.id === record.destination);
      if (!route) return loaded.destinations.some((d) => d.id === record.destination) ? 'leave' : 'drop';
      if (allGranted(route.purposes, state)) return 'adopt';
      return anyDenied(route.purposes, state) ? 'drop' : 'leave';
    };

  return {
    offer(event: AcquaintEvent): void {
      let withAudiences: AcquaintEvent | undefined;
      const { audiences } = deps;
      const trace = deps.trace();
      trace?.begin(event);
      for (const route of routes) {
        if (trace) traceGate(route, event);
        // Audiences leave the page only for a destination that opted in.
        if (features.contextTraits && route.contextTraits) {
          if (event.event !== AUDIENCE_EVENT) route.gate.offer(withTraits(event, route.contextTraits, deps.traits()));
          continue;
        }
        if (!route.audiences) {
          if (event.event !== AUDIENCE_EVENT) route.gate.offer(event);
          continue;
        }
        withAudiences ??= { ...event, context: { ...event.context, audiences: audiences() } };
        route.gate.offer(withAudiences);
      }
      trace?.end();
    },
    consentChanged(state: ConsentChoices): void {
      for (const route of routes) {
        route.gate.consentChanged(state);
        // Withdrawn consent also stops what was queued under it.
        if (anyDenied(route.purposes, state)) route.outbox.purge('consent_denied');
        permit(route, state);
      }
    },
    /** A single-page app moved: a `block` pattern may now apply, or no longer. */
    navigated(state: ConsentChoices): void {
      for (const route of routes) permit(route, state);
    },
    /** Storage is allowed: persist the queues and take over what gone tabs left. */
    async persist(state: ConsentChoices): Promise<void> {
      const { adopted, dropped } = await persistence.enable(() => routes.flatMap((r) => r.outbox.records()), decide(state));
      for (const route of routes) route.outbox.adopt(adopted.filter((r) => r.destination === route.id));
      for (const record of dropped) {
        const known = routes.some((r) => r.id === record.destination);
        reports.dropped(record.destination, [record.event.messageId], known ? 'consent_denied' : 'destination_removed');
      }
    },
    /** Erasure: every held and queued event goes, reported as `forgotten`. */
    forget(): void {
      for (const route of routes) {
        const held = route.gate.clear();
        if (held.length)
          reports.dropped(
            route.id,
            held.map((e) => e.messageId),
            'forgotten',
          );
        route.outbox.purge('forgotten');
      }
    },
    flush(): Promise<void> {
      return Promise.all(routes.map((route) => route.outbox.flush())).then(() => undefined);
    },
    unload,
    resume(): void {
      for (const route of routes) route.outbox.resume();
    },
  };
}

/**
 * Applies rules in arrival order: hashing is asynchronous, so while one event is being
 * hashed, the ones after it wait rather than overtake it.
 */
function ordered(rules: Rules, settle: (event: AcquaintEvent, result: RuleResult) => void, failed: (event: AcquaintEvent) => void) {
  let tail: Promise<void> | undefined;
  let pending = 0;
  return (event: AcquaintEvent): void => {
    const result = rules.apply(event);
    if (!pending && !(result instanceof Promise)) return settle(event, result);
    pending++;
    tail = Promise.all([tail, result])
      .then(
        ([, done]) => settle(event, done),
        () => failed(event),
      )
      .finally(() => void pending--);
  };
}

export type Routes = ReturnType<typeof createRoutes>;
