import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The relay's Prometheus metrics (contract §9), on a registry of its own so two relays in one
 * process (tests) do not share counts. `depth` is read from the database at each scrape.
 */
export function createMetrics(depth: () => Promise<Record<string, number>>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'acquaint_relay_' });
  const counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name: `acquaint_relay_${name}`, help, labelNames, registers: [registry] });
  const metrics = {
    registry,
    received: counter('events_received_total', 'Events in batches the relay was sent', ['destination']),
    accepted: counter('events_accepted_total', 'Events written to the outbox (a page retry counts again)', ['destination']),
    refused: counter('events_refused_total', 'Events refused, by reason', ['destination', 'reason']),
    forwarded: counter('events_forwarded_total', 'Events the vendor accepted', ['destination']),
    retried: counter('events_retried_total', 'Events put back for another try', ['destination']),
    deadLettered: counter('events_dead_lettered_total', 'Events given up on, by reason', ['destination', 'reason']),
    trimmed: counter('events_trimmed_total', "Names or params cut to fit a vendor's limits", ['destination', 'reason']),
    requests: counter('requests_total', 'Requests answered, by status', ['status']),
    receipts: counter('consent_receipts_total', 'Consent receipts: stored, known (a retry) or refused', ['outcome']),
    latency: new Histogram({
      name: 'acquaint_relay_forward_latency_seconds',
      help: 'From acceptance to the vendor accepting the event',
      labelNames: ['destination'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers: [registry],
    }),
  };
  new Gauge({
    name: 'acquaint_relay_outbox_depth',
    help: 'Events waiting to be forwarded',
    labelNames: ['destination'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [destination, n] of Object.entries(await depth().catch(() => ({})))) this.set({ destination }, n);
    },
  });
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
