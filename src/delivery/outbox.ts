import type { AcquaintEvent } from '../events/event';
import type { DropReason } from '../events/reports';
import { backoff } from './backoff';
import { fitBatch } from './batch';
import { UNLOAD_MAX_BYTES, type Sender } from './sender';
import type { Persistence } from './persistence';
import { createQueue, type QueueLimits } from './queue';
import type { QueueRecord } from './record';

export interface OutboxOptions extends QueueLimits {
  flushIntervalMs: number;
  retryBaseMs: number;
  maxRetryDelayMs: number;
}

export interface OutboxEnv {
  now(): number;
  random(): number;
  isOnline(): boolean;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface OutboxReports {
  delivered(destination: string, messageIds: string[]): void;
  dropped(destination: string, messageIds: string[], reason: DropReason): void;
  failed(destination: string, messageIds: string[], failure: { reason: string; status?: number; retry: boolean; retryInMs?: number }): void;
}

const ids = (records: readonly QueueRecord[]): string[] => records.map((r) => r.event.messageId);

/**
 * One destination's delivery: a bounded queue (persisted once storage is allowed), sent in
 * batches after a short interval, retried with backoff, handed to sendBeacon on unload.
 * Every event ends delivered or reported as dropped with a reason.
 */
export function createOutbox(
  adapter: Sender,
  options: OutboxOptions,
  env: OutboxEnv,
  persistence: Persistence,
  tabId: string,
  reports: OutboxReports,
) {
  const queue = createQueue(options);
  let timer: unknown;
  let wakeAt = Infinity;
  let retryAt = 0;
  let failures = 0;
  let seq = 0;
  // Drains run one after another: a batch is never sent twice at once.
  let chain: Promise<void> = Promise.resolve();
  // Records being handed to an unload transport. Firefox can run a second hide (visibilitychange)
  // nested inside the first one's sendBeacon or localStorage write, and may tear the page down
  // before the outer one goes on: the nested hide must send what is not yet leaving, and only that.
  const leaving = new Set<QueueRecord>();

  const drop = (records: QueueRecord[], reason: DropReason): void => {
    if (!records.length) return;
    persistence.remove(records);
    reports.dropped(adapter.id, ids(records), reason);
  };

  function wake(at: number): void {
    if (at >= wakeAt) return;
    if (timer !== undefined) env.clearTimeout(timer);
    wakeAt = at;
    timer = env.setTimeout(
      () => {
        timer = undefined;
        wakeAt = Infinity;
        void run(false);
      },
      Math.max(0, at - env.now()),
    );
  }

  function run(force: boolean): Promise<void> {
    chain = chain.then(() => drain(force));
    return chain;
  }

  async function drain(force: boolean): Promise<void> {
    drop(queue.expire(env.now()), 'expired');
    // The byte bound is for a backlog that is not leaving; a burst that is being sent may pass it.
    if (failures > 0 || !env.isOnline()) drop(queue.trim(), 'queue_full');
    if (!env.isOnline()) return; // resumed by the `online` event
    if (adapter.waiting?.()) return; // resumed when its type arrives
    if (!force && env.now() < retryAt) return wake(retryAt);
    for (;;) {
      const batch = queue.take(adapter.limits.maxEvents, adapter.limits.maxBytes);
      if (!batch.length) return;
      if (!(await sendBatch(batch))) return wake(retryAt);
      // One batch per task, so a backlog never becomes one long task.
      if (queue.length) await new Promise<void>((resolve) => env.setTimeout(resolve, 0));
    }
  }

  async function sendBatch(batch: QueueRecord[]): Promise<boolean> {
    let result;
    try {
      result = await adapter.send(
        batch.map((r) => r.event),
        { unloading: false },
      );
    } catch (error) {
      // An adapter that throws is a bug in the adapter; the others and the page go on.
      result = { ok: false as const, reason: `adapter threw: ${String(error)}`, retry: false };
    }
    if (result.ok) {
      failures = 0;
      queue.remove(batch);
      persistence.remove(batch);
      reports.delivered(adapter.id, ids(batch));
      return true;
    }
    if (!result.retry) {
      queue.remove(batch);
      reports.failed(adapter.id, ids(batch), { reason: result.reason, status: result.status, retry: false });
      drop(batch, 'rejected');
      return true;
    }
    failures++;
    queue.release(batch);
    persistence.write(batch);
    const delay = Math.max(backoff(failures, options.retryBaseMs, options.maxRetryDelayMs, env.random()), result.retryAfterMs ?? 0);
    retryAt = env.now() + delay;
    reports.failed(adapter.id, ids(batch), { reason: result.reason, status: result.status, retry: true, retryInMs: delay });
    return false;
  }

  return {
    add(event: AcquaintEvent): void {
      const added = [{ destination: adapter.id, event, attempts: 0, owner: tabId, seq: seq++ }];
      drop(queue.add(added), 'queue_full');
      persistence.write(added);
      wake(Math.max(retryAt, env.now() + (queue.length >= adapter.limits.maxEvents ? 0 : options.flushIntervalMs)));
    },
    /** Records a gone tab left, now ours. */
    adopt(records: QueueRecord[]): void {
      const fresh = queue.missing(records);
      if (!fresh.length) return;
      drop(queue.add(fresh), 'queue_full');
      wake(Math.max(retryAt, env.now()));
    },
    records: (): QueueRecord[] => queue.all(),
    /** Sends what is queued now, ignoring backoff; resolves once each batch was attempted. */
    flush: (): Promise<void> => run(true),
    /** Back online: try again at once. */
    resume: (): void => void run(true),
    /** The page is going away: hand everything to the transport that outlives it. */
    unload(): void {
      // With a persisted copy (rescued for the next page), records to a failing collector, from
      // an offline browser, or already on their way in a request, wait for the next page rather
      // than be lost or sent twice. In memory only, the beacon is their last chance.
      if (persistence.enabled && (failures > 0 || !env.isOnline())) return;
      const all = (persistence.enabled ? queue.idle() : queue.all()).filter((r) => !leaving.has(r));
      const handedOver = (chunk: QueueRecord[]): void => {
        queue.remove(chunk);
        persistence.handedOver(chunk);
        reports.delivered(adapter.id, ids(chunk));
      };
      const settled = (chunk: QueueRecord[]): void => chunk.forEach((r) => leaving.delete(r));
      for (let start = 0; start < all.length;) {
        // Normal sends may be large; what leaves during unload must fit sendBeacon/keepalive.
        const count = fitBatch(
          all.slice(start, start + adapter.limits.maxEvents).map((r) => r.event),
          adapter.limits.maxEvents,
          UNLOAD_MAX_BYTES,
        );
        const chunk = all.slice(start, (start += count));
        const events = chunk.map((r) => r.event);
        chunk.forEach((r) => leaving.add(r));
        // Noted synchronously: a promise callback may never run on a page being torn down.
        if (adapter.beacon?.(events)) {
          handedOver(chunk);
          settled(chunk);
        } else {
          void adapter
            .send(events, { unloading: true })
            .then(
              (result) => result.ok && handedOver(chunk),
              () => undefined,
            )
            .finally(() => settled(chunk));
        }
      }
    },
    /** Consent for this destination was withdrawn: nothing queued leaves any more. */
    purge(reason: DropReason): void {
      const all = queue.all();
      queue.remove(all);
      drop(all, reason);
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
