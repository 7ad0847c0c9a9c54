import type { Receipt } from '../receipts';
import type { Db } from './db';

/** Receipts younger than this the database itself refuses to delete (schema.ts); the least `receiptRetentionDays`. */
export const RECEIPT_FLOOR_DAYS = 365;

/** Longest chain served: a device deciding once a day for years stays well inside it. */
const MAX_CHAIN = 5000;

export interface StoredReceipt extends Receipt {
  receivedAt: string;
}

/** Consent receipts (contract §10): added, read as a chain, and past their retention purged. Nothing else. */
export function createReceipts(db: Db) {
  return {
    /** Stores a receipt; false when its id is already there (the page's retry: the first is kept). */
    async add(receipt: Receipt): Promise<boolean> {
      const rows = await db.query(
        `INSERT INTO acquaint_consent_receipts (receipt_id, previous_id, receipt) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (receipt_id) DO NOTHING RETURNING receipt_id`,
        [receipt.receiptId, receipt.previousId, JSON.stringify(receipt)],
      );
      return rows.length > 0;
    },
    /** The chain ending at `receiptId`, oldest first; empty when there is no such receipt. */
    async chain(receiptId: string): Promise<StoredReceipt[]> {
      const rows = await db.query<{ receipt: Receipt; received_at: Date | string }>(
        `WITH RECURSIVE chain AS (
           SELECT receipt_id, previous_id, receipt, received_at, 1 AS depth
           FROM acquaint_consent_receipts WHERE receipt_id = $1
           UNION ALL
           SELECT r.receipt_id, r.previous_id, r.receipt, r.received_at, chain.depth + 1
           FROM acquaint_consent_receipts r JOIN chain ON r.receipt_id = chain.previous_id
           WHERE chain.depth < $2)
         SELECT receipt, received_at FROM chain ORDER BY depth DESC`,
        [receiptId, MAX_CHAIN],
      );
      return rows.map((row) => ({ ...row.receipt, receivedAt: new Date(row.received_at).toISOString() }));
    },
    /** Receipts older than `days` (at least RECEIPT_FLOOR_DAYS: the database refuses younger ones). */
    purge: (days: number): Promise<unknown> =>
      db.query(`DELETE FROM acquaint_consent_receipts WHERE received_at < now() - make_interval(days => $1::int)`, [
        Math.max(days, RECEIPT_FLOOR_DAYS),
      ]),
  };
}

export type Receipts = ReturnType<typeof createReceipts>;
