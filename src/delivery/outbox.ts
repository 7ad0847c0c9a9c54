import type { Adapter } from '../destinations/adapter';
import type { AcquaintEvent } from '../events/event';
import { splitBatches } from './batch';

export interface OutboxOptions {
  /** How long events wait to share a request. */
  flushIntervalMs: number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  delivered(destination: string, messageIds: string[]): void;
  failed(destination: string, messageIds: string[], reason: string, retry: boolean): void;
}

/**
 * One destination's in-memory outbox: batches what the gate passes and sends it after
 * a short interval, at once when a batch is full, and by beacon when the page goes away.
 * (Durable queues and retries come with the delivery issue.)
 */
export function createOutbox(adapter: Adapter, options: OutboxOptions) {
  let pending: AcquaintEvent[] = [];
  let timer: unknown;
  let soon = false;
  const inFlight = new Set<Promise<void>>();

  async function sendOne(batch: AcquaintEvent[], unloading: boolean): Promise<void> {
    const ids = batch.map((event) => event.messageId);
    try {
      const result = await adapter.send(batch, { unloading });
      if (result.ok) options.delivered(adapter.id, ids);
      else options.failed(adapter.id, ids, result.reason, result.retry);
    } catch (error) {
      // An adapter that throws is a bug in the adapter; the page and the other destinations go on.
      options.failed(adapter.id, ids, `adapter threw: ${String(error)}`, false);
    }
  }

  function flush(unloading = false): Promise<void> {
    if (timer !== undefined) options.clearTimeout(timer);
    timer = undefined;
    soon = false;
    const events = pending;
    pending = [];
    for (const batch of splitBatches(events, adapter.limits.maxEvents, adapter.limits.maxBytes)) {
      const sending = sendOne(batch, unloading);
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
    }
    return Promise.all(inFlight).then(() => undefined);
  }

  return {
    add(event: AcquaintEvent): void {
      pending.push(event);
      if (pending.length >= adapter.limits.maxEvents) {
        // A full batch leaves on the next task, not inside the push that filled it.
        if (soon) return;
        if (timer !== undefined) options.clearTimeout(timer);
        timer = options.setTimeout(() => void flush(), 0);
        soon = true;
      } else if (timer === undefined) {
        timer = options.setTimeout(() => void flush(), options.flushIntervalMs);
      }
    },
    flush,
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
