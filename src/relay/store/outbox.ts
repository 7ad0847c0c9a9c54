import type { AcquaintEvent } from '../../events/event';
import type { ClientInfo, OutboxRow } from '../vendors/types';
import type { Db } from './db';
import { SCHEMA } from './schema';

/** A claim lasts this long: a process that dies holding rows gives them back by then (contract §9: 30 s). */
export const CLAIM_MS = 30_000;
/** Statements writing accepted batches at once: one waits on its WAL flush while the next runs. */
const WRITERS = 3;

interface ClaimedRow {
  id: string;
  destination: string;
  message_id: string;
  event: AcquaintEvent;
  client: ClientInfo | null;
  attempts: number;
  received_at: Date | string;
}

export interface Claimed extends OutboxRow {
  receivedAt: number;
}

/**
 * The outbox of accepted events, in SQL that Postgres and PGlite both run. `claimMs`: how long a
 * claim lasts (tests of a killed process shorten it; it must outlast a vendor request's timeout).
 */
export function createOutbox(db: Db, claimMs = CLAIM_MS) {
  type Waiting = { rows: { d: string; c: ClientInfo; e: AcquaintEvent }[]; resolve(): void; reject(error: unknown): void };
  let pending: Waiting[] = [];
  let writers = 0;
  async function write(): Promise<void> {
    writers++;
    while (pending.length) {
      const group = pending;
      pending = [];
      try {
        await db.query(
          `INSERT INTO acquaint_outbox (destination, message_id, event, client, anonymous_id, user_id, event_time)
           SELECT x->>'d', x->'e'->>'messageId', x->'e', x->'c', x->'e'->>'anonymousId', x->'e'->>'userId',
             (x->'e'->>'timestamp')::timestamptz
           FROM jsonb_array_elements($1::jsonb) AS x
           ON CONFLICT (destination, message_id) DO NOTHING`,
          [JSON.stringify(group.flatMap((waiting) => waiting.rows))],
        );
        for (const waiting of group) waiting.resolve();
      } catch (error) {
        for (const waiting of group) waiting.reject(error);
      }
    }
    writers--;
  }
  return {
    migrate: (): Promise<void> => db.exec(SCHEMA),
    /**
     * Durable once it resolves: written by one committed statement. Up to WRITERS statements are
     * in flight; batches that arrive while all are busy go together in the next one (a group
     * commit: one statement, one WAL flush for many pages). A messageId already there (a page's
     * retry) is skipped.
     */
    add(destination: string, events: readonly AcquaintEvent[], client: ClientInfo): Promise<void> {
      if (!events.length) return Promise.resolve();
      return new Promise((resolve, reject) => {
        pending.push({ rows: events.map((e) => ({ d: destination, c: client, e })), resolve, reject });
        if (writers < WRITERS) void write();
      });
    },
    /** Due rows no live process holds, oldest first; each claimed by `owner` for CLAIM_MS. */
    async claim(owner: string, limit: number): Promise<Claimed[]> {
      const rows = await db.query<ClaimedRow>(
        `UPDATE acquaint_outbox SET claimed_by = $1, claimed_until = now() + make_interval(secs => $3::float8)
         WHERE id IN (
           SELECT id FROM acquaint_outbox
           WHERE state = 'queued' AND due_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
           ORDER BY due_at, id LIMIT $2
           FOR UPDATE SKIP LOCKED)
         RETURNING id::text AS id, destination, message_id, event, client, attempts, received_at`,
        [owner, limit, claimMs / 1000],
      );
      return rows.map((row) => ({
        id: row.id,
        destination: row.destination,
        messageId: row.message_id,
        event: row.event,
        client: row.client ?? {},
        attempts: row.attempts,
        receivedAt: new Date(row.received_at).getTime(),
      }));
    },
    /** Forwarded: only the key stays, so a late retry of the page is still recognised. */
    sent: (ids: readonly string[]): Promise<unknown> =>
      db.query(
        `UPDATE acquaint_outbox SET state = 'sent', done_at = now(), event = NULL, client = NULL, anonymous_id = NULL,
           user_id = NULL, claimed_by = NULL, claimed_until = NULL, reason = NULL
         WHERE id = ANY($1::bigint[])`,
        [ids],
      ),
    /** Tried again after `delayMs` (a network error, a 5xx or 429). */
    retry: (ids: readonly string[], delayMs: number, reason: string): Promise<unknown> =>
      db.query(
        `UPDATE acquaint_outbox SET attempts = attempts + 1, due_at = now() + make_interval(secs => $2::float8),
           claimed_by = NULL, claimed_until = NULL, reason = $3
         WHERE id = ANY($1::bigint[])`,
        [ids, delayMs / 1000, reason],
      ),
    /** A dead letter: never forwarded, kept with its reason (the view acquaint_dead_letters). */
    dead: (ids: readonly string[], reason: string): Promise<unknown> =>
      db.query(
        `UPDATE acquaint_outbox SET state = 'dead', done_at = now(), claimed_by = NULL, claimed_until = NULL, reason = $2
         WHERE id = ANY($1::bigint[])`,
        [ids, reason],
      ),
    /**
     * Forget (contract §10): this visitor's events not forwarded (waiting, or dead letters) are
     * deleted; how many. A row a lane holds may still reach its vendor: it was on its way.
     */
    async forget(anonymousIds: readonly string[], userId: string | null): Promise<number> {
      const rows = await db.query(
        `DELETE FROM acquaint_outbox WHERE state <> 'sent' AND (anonymous_id = ANY($1::text[]) OR user_id = $2) RETURNING id`,
        [anonymousIds, userId],
      );
      return rows.length;
    },
    /** Rows waiting per destination (the outbox depth metric). */
    async depth(): Promise<Record<string, number>> {
      const rows = await db.query<{ destination: string; n: number }>(
        `SELECT destination, count(*)::int AS n FROM acquaint_outbox WHERE state = 'queued' GROUP BY destination`,
      );
      return Object.fromEntries(rows.map((row) => [row.destination, Number(row.n)]));
    },
    /** Forwarded rows' keys older than `days`: a page stops retrying long before (72 h by default). */
    purge: (days: number): Promise<unknown> =>
      db.query(`DELETE FROM acquaint_outbox WHERE state = 'sent' AND done_at < now() - make_interval(days => $1::int)`, [days]),
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
