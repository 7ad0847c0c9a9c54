import type { LoadedConfig } from '../config/load';
import { createGate, type Gate } from '../consent/gate';
import type { ConsentChoices } from '../consent/consent';
import { createOutbox, type Outbox, type OutboxOptions } from '../delivery/outbox';
import type { Env } from '../env';
import type { AcquaintEvent } from '../events/event';
import type { DropReason } from '../events/reports';
import { destinationTypes } from './registry';

export interface RouteReports extends Pick<OutboxOptions, 'delivered' | 'failed'> {
  dropped(destination: string, events: AcquaintEvent[], reason: DropReason): void;
  initFailed(destination: string, error: unknown): void;
}

interface Route {
  gate: Gate;
  outbox: Outbox;
}

// Events held per destination while a purpose is pending (contract §5: bounded).
const HOLD_LIMIT = 1000;
const FLUSH_INTERVAL_MS = 1000;

/** Wires each valid destination as gate → outbox → adapter; a destination whose init throws is left out alone. */
export function createRoutes(destinations: LoadedConfig['destinations'], consent: ConsentChoices, env: Env, reports: RouteReports) {
  const routes: Route[] = [];
  for (const { id, type, purposes, settings } of destinations) {
    const adapter = destinationTypes[type]!.create(id, purposes, env);
    try {
      adapter.init(settings as never);
    } catch (error) {
      reports.initFailed(id, error);
      continue;
    }
    const outbox = createOutbox(adapter, { ...reports, flushIntervalMs: FLUSH_INTERVAL_MS, setTimeout: env.setTimeout, clearTimeout: env.clearTimeout });
    const gate = createGate(
      { purposes, limit: HOLD_LIMIT, pass: outbox.add, drop: (events, reason) => reports.dropped(id, events, reason) },
      consent,
    );
    routes.push({ gate, outbox });
  }
  return {
    offer(event: AcquaintEvent): void {
      for (const route of routes) route.gate.offer(event);
    },
    consentChanged(state: ConsentChoices): void {
      for (const route of routes) route.gate.consentChanged(state);
    },
    flush(unloading = false): Promise<void> {
      return Promise.all(routes.map((route) => route.outbox.flush(unloading))).then(() => undefined);
    },
  };
}

export type Routes = ReturnType<typeof createRoutes>;
