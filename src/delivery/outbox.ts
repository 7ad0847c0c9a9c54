import type { Adapter } from '../destinations/adapter';
import type { AcquaintEvent } from '../events/event';
import { fitBatch, splitBatches } from './batch';

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
  let draining: Promise<void> | undefined;
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

  function track(sending: Promise<void>): void {
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
  }

  // One batch per task, so a big backlog never becomes one long task on the main thread.
  async function drain(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.splice(0, fitBatch(pending.slice(0, adapter.limits.maxEvents), adapter.limits.maxEvents, adapter.limits.maxBytes));
      track(sendOne(batch, false));
      if (pending.length > 0) await new Promise<void>((resolve) => options.setTimeout(resolve, 0));
    }
  }

  function flush(unloading = false): Promise<void> {
    if (timer !== undefined) options.clearTimeout(timer);
    timer = undefined;
    soon = false;
    if (unloading) {
      // No later task is coming: hand everything over now.
      for (const batch of splitBatches(pending, adapter.limits.maxEvents, adapter.limits.maxBytes)) track(sendOne(batch, true));
      pending = [];
    } else {
      draining ??= drain().finally(() => (draining = undefined));
    }
    return (draining ?? Promise.resolve()).then(() => Promise.all(inFlight)).then(() => undefined);
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
