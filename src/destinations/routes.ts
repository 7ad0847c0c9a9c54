import type { LoadedConfig } from '../config/load';
import type { DeliveryConfig } from '../config/schema';
import { allGranted, anyDenied, createGate, type Gate } from '../consent/gate';
import type { ConsentChoices } from '../consent/consent';
import { createOutbox, type Outbox, type OutboxReports } from '../delivery/outbox';
import type { Orphan, Persistence } from '../delivery/persistence';
import type { QueueRecord } from '../delivery/record';
import type { Env } from '../env';
import type { AcquaintEvent } from '../events/event';
import type { DropReason } from '../events/reports';
import { AUDIENCE_EVENT } from '../identity/audience-tracking';
import { destinationTypes } from './registry';

export interface RouteReports extends OutboxReports {
  initFailed(destination: string, error: unknown): void;
}

interface Route {
  id: string;
  audiences: boolean;
  purposes: readonly string[];
  gate: Gate;
  outbox: Outbox;
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

/** Wires each valid destination as gate → outbox → adapter; a destination whose init throws is left out alone. */
export function createRoutes(loaded: LoadedConfig, consent: ConsentChoices, env: Env, persistence: Persistence, tabId: string, reports: RouteReports, audiences: () => string[]) {
  const routes: Route[] = [];
  for (const { id, type, purposes, settings, delivery, audiences: optedIn = false } of loaded.destinations) {
    const adapter = destinationTypes[type]!.create(id, purposes, env);
    try {
      adapter.init(settings as never);
    } catch (error) {
      reports.initFailed(id, error);
      continue;
    }
    const options = { ...DELIVERY_DEFAULTS, ...loaded.config.delivery, ...delivery };
    const outbox = createOutbox(
      adapter,
      { ...options, maxEvents: options.maxQueueEvents, maxBytes: options.maxQueueBytes, maxAgeMs: options.maxAgeHours * 3_600_000 },
      env,
      persistence,
      tabId,
      reports,
    );
    const drop = (events: AcquaintEvent[], reason: DropReason) => reports.dropped(id, events.map((e) => e.messageId), reason);
    const gate = createGate({ purposes, limit: HOLD_LIMIT, pass: outbox.add, drop }, consent);
    routes.push({ id, purposes, audiences: optedIn, gate, outbox });
  }

  // What to do with a record a gone tab left: send it if its destination may receive now.
  const decide = (state: ConsentChoices) => (record: QueueRecord): Orphan => {
    const route = routes.find((r) => r.id === record.destination);
    if (!route) return loaded.destinations.some((d) => d.id === record.destination) ? 'leave' : 'drop';
    if (allGranted(route.purposes, state)) return 'adopt';
    return anyDenied(route.purposes, state) ? 'drop' : 'leave';
  };

  return {
    offer(event: AcquaintEvent): void {
      let withAudiences: AcquaintEvent | undefined;
      for (const route of routes) {
        // Audiences leave the page only for a destination that opted in.
        if (!route.audiences) {
          if (event.event !== AUDIENCE_EVENT) route.gate.offer(event);
          continue;
        }
        withAudiences ??= { ...event, context: { ...event.context, audiences: audiences() } };
        route.gate.offer(withAudiences);
      }
    },
    consentChanged(state: ConsentChoices): void {
      for (const route of routes) {
        route.gate.consentChanged(state);
        // Withdrawn consent also stops what was queued under it.
        if (anyDenied(route.purposes, state)) route.outbox.purge('consent_denied');
      }
    },
    /** Storage is allowed: persist the queues and take over what gone tabs left. */
    async persist(state: ConsentChoices): Promise<void> {
      const { adopted, dropped } = await persistence.enable(routes.flatMap((r) => r.outbox.records()), decide(state));
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
        if (held.length) reports.dropped(route.id, held.map((e) => e.messageId), 'forgotten');
        route.outbox.purge('forgotten');
      }
    },
    flush(): Promise<void> {
      return Promise.all(routes.map((route) => route.outbox.flush())).then(() => undefined);
    },
    unload(): void {
      persistence.rescue(routes.flatMap((route) => route.outbox.records()));
      for (const route of routes) route.outbox.unload();
    },
    resume(): void {
      for (const route of routes) route.outbox.resume();
    },
  };
}

export type Routes = ReturnType<typeof createRoutes>;
