import type { Logger } from 'pino';
import { backoff, parseRetryAfter } from '../delivery/backoff';
import type { Claimed, Outbox } from './store/outbox';
import type { Metrics } from './metrics';
import { reasonCode } from './intake';
import type { VendorApi, VendorRequest } from './vendors/types';

/** A server-mode destination as the forwarder sends to it. */
export interface Target {
  id: string;
  api: VendorApi<unknown>;
  settings: unknown;
  secrets: Readonly<Record<string, string>>;
}

export interface ForwarderOptions {
  outbox: Outbox;
  targets: ReadonlyMap<string, Target>;
  metrics: Metrics;
  log: Logger;
  /** This process's name on the rows it claims. */
  owner: string;
  fetch?: typeof fetch;
  /** How often an idle forwarder looks for due rows (default 1 s: forwarding starts within 5 s, contract §9). */
  pollMs?: number;
  /** A vendor request not answered by then is retried (default 10 s, well inside a claim's 30 s). */
  timeoutMs?: number;
  /** Rows a lane claims at a time (default 100: a round's synchronous work stays short). */
  claimLimit?: number;
  /** Rounds in flight at once (default 4). */
  lanes?: number;
  /** How long accepted events gather before a sleeping lane wakes for them (default 100 ms). */
  gatherMs?: number;
}

// Without a vendor limit (http), an event is tried this long before it is a dead letter.
const DEFAULT_MAX_AGE_MS = 7 * 86_400_000;
const RETRY_BASE_MS = 1000;
const RETRY_CAP_MS = 5 * 60_000;

type Outcome = { ok: true } | { ok: false; retry: boolean; reason: string; retryAfterMs?: number };

/**
 * Sends the outbox to the vendors: claims due rows (SKIP LOCKED, so several processes share the
 * work), builds each vendor's requests, and records every row's end: sent, retried later with
 * backoff (network errors, 5xx, 429, 408), or a dead letter with its reason (a 4xx, too old).
 */
export function createForwarder(options: ForwarderOptions) {
  const { outbox, targets, metrics, log, owner, pollMs = 1000, timeoutMs = 10_000, claimLimit = 100, lanes = 4, gatherMs = 100 } = options;
  const post = options.fetch ?? fetch;
  let running = false;
  let loop: Promise<unknown> | undefined;
  const sleeping = new Set<() => void>();
  let gathering: ReturnType<typeof setTimeout> | undefined;

  async function request({ url, headers, body }: VendorRequest): Promise<Outcome> {
    try {
      const response = await post(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { ok: true };
      const { status } = response;
      const retry = status >= 500 || status === 429 || status === 408;
      const retryAfterMs = retry ? parseRetryAfter(response.headers.get('Retry-After'), Date.now()) : undefined;
      return {
        ok: false,
        retry,
        reason: `vendor_${retry ? 'error' : 'refused'}: HTTP ${status}`,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      // fetch's TypeError says only "fetch failed"; its cause has the code (ECONNREFUSED, ENOTFOUND…).
      const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
      return {
        ok: false,
        retry: true,
        reason: name === 'TimeoutError' ? `timeout: after ${timeoutMs} ms` : `network: ${typeof code === 'string' ? code : name}`,
      };
    }
  }

  async function dead(target: Target, rows: readonly Claimed[], reason: string): Promise<void> {
    if (!rows.length) return;
    await outbox.dead(
      rows.map((row) => row.id),
      reason,
    );
    metrics.deadLettered.inc({ destination: target.id, reason: reasonCode(reason) }, rows.length);
    log.warn({ destination: target.id, events: rows.length, reason }, 'dead-lettered');
  }

  async function send(target: Target, req: VendorRequest, split: boolean): Promise<void> {
    const rows = req.rows as Claimed[];
    const outcome = await request(req);
    const ids = rows.map((row) => row.id);
    if (outcome.ok) {
      await outbox.sent(ids);
      metrics.forwarded.inc({ destination: target.id }, rows.length);
      const now = Date.now();
      for (const row of rows) metrics.latency.observe({ destination: target.id }, (now - row.receivedAt) / 1000);
      return;
    }
    if (outcome.retry) {
      const attempt = Math.max(...rows.map((row) => row.attempts)) + 1;
      const delay = outcome.retryAfterMs ?? backoff(attempt, RETRY_BASE_MS, RETRY_CAP_MS, 0.5 + Math.random() / 2);
      await outbox.retry(ids, delay, outcome.reason);
      metrics.retried.inc({ destination: target.id }, rows.length);
      log.info({ destination: target.id, events: rows.length, reason: outcome.reason, retryInMs: delay }, 'retrying');
      return;
    }
    // One bad event refuses a whole request at some vendors (Meta): find it by sending each alone.
    if (split && rows.length > 1) {
      await Promise.all(rows.map((row) => forward(target, [row], false)));
      return;
    }
    await dead(target, rows, outcome.reason);
  }

  async function forward(target: Target, rows: readonly Claimed[], split = true): Promise<void> {
    const now = Date.now();
    const maxAge = target.api.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    const old = rows.filter((row) => now - Date.parse(row.event.timestamp) > maxAge);
    await dead(target, old, `too_old: past the vendor's ${Math.round(maxAge / 3_600_000)} h limit`);
    const fresh = rows.filter((row) => !old.includes(row));
    if (!fresh.length) return;
    const prepared = target.api.prepare(fresh, target.settings, target.secrets, now);
    for (const { reason, count } of prepared.trimmed) metrics.trimmed.inc({ destination: target.id, reason }, count);
    const byReason = new Map<string, Claimed[]>();
    for (const { row, reason } of prepared.refused) byReason.set(reason, [...(byReason.get(reason) ?? []), row as Claimed]);
    for (const [reason, refused] of byReason) await dead(target, refused, reason);
    // Rows that make no request (an identify, for a vendor without one): done, nothing to send.
    const carried = new Set([...prepared.requests.flatMap((r) => r.rows), ...prepared.refused.map((r) => r.row)].map((row) => row.id));
    const nothing = fresh.filter((row) => !carried.has(row.id)).map((row) => row.id);
    if (nothing.length) await outbox.sent(nothing);
    await Promise.all(prepared.requests.map((req) => send(target, req, split)));
  }

  /** One round: claim what is due and forward it; returns how many rows it claimed. */
  async function tick(): Promise<number> {
    const rows = await outbox.claim(owner, claimLimit);
    const groups = new Map<string, Claimed[]>();
    for (const row of rows) groups.set(row.destination, [...(groups.get(row.destination) ?? []), row]);
    await Promise.all(
      [...groups].map(async ([id, group]) => {
        const target = targets.get(id);
        if (!target) return dead({ id } as Target, group, 'unknown_destination: no longer a server-mode destination of the config');
        return forward(target, group);
      }),
    );
    return rows.length;
  }

  // Several lanes claim and send at once (SKIP LOCKED keeps their rows apart), so forwarding is
  // not bound by one round's database and vendor round trips.
  async function lane(): Promise<void> {
    while (running) {
      let claimed = 0;
      try {
        claimed = await tick();
      } catch (error) {
        log.error({ err: error }, 'forwarding round failed');
      }
      if (!running || claimed >= claimLimit) continue;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          sleeping.delete(done);
          resolve();
        };
        const timer = setTimeout(done, pollMs);
        sleeping.add(done);
      });
    }
  }

  return {
    tick,
    start(): void {
      if (running) return;
      running = true;
      loop = Promise.all(Array.from({ length: lanes }, lane));
    },
    /**
     * Events were accepted: look soon rather than at the next poll. Nudges within `gatherMs` wake
     * one lane once, so a busy relay claims many rows a round instead of a round per page batch.
     */
    nudge(): void {
      if (gathering) return;
      gathering = setTimeout(() => {
        gathering = undefined;
        sleeping.values().next().value?.();
      }, gatherMs);
    },
    /** Stops claiming; waits for the round in flight so nothing is left half-recorded. */
    async stop(): Promise<void> {
      running = false;
      clearTimeout(gathering);
      gathering = undefined;
      for (const wake of [...sleeping]) wake();
      await loop;
    },
  };
}

export type Forwarder = ReturnType<typeof createForwarder>;
