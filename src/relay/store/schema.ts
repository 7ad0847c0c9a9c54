// The relay's tables. One row per (destination, messageId): the unique key is what makes a page's
// retried batch a no-op. A forwarded row keeps only that key and when, for `retentionDays`;
// the event, the visitor's ids and the client's address are cleared the moment it is sent.
// Run by every process at start, under a lock so two starting together do not race.
export const SCHEMA = `
BEGIN;
SELECT pg_advisory_xact_lock(7317001);
CREATE TABLE IF NOT EXISTS acquaint_outbox (
  id bigserial PRIMARY KEY,
  destination text NOT NULL,
  message_id text NOT NULL,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'dead')),
  event jsonb,
  client jsonb,
  anonymous_id text,
  user_id text,
  event_time timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  due_at timestamptz NOT NULL DEFAULT now(),
  claimed_by text,
  claimed_until timestamptz,
  done_at timestamptz,
  reason text,
  UNIQUE (destination, message_id)
);
CREATE INDEX IF NOT EXISTS acquaint_outbox_due ON acquaint_outbox (due_at) WHERE state = 'queued';
CREATE INDEX IF NOT EXISTS acquaint_outbox_sent ON acquaint_outbox (done_at) WHERE state = 'sent';
-- Forget finds a visitor's rows without reading the keys kept of forwarded ones (their ids are cleared).
CREATE INDEX IF NOT EXISTS acquaint_outbox_visitor ON acquaint_outbox (anonymous_id) WHERE state <> 'sent';
CREATE INDEX IF NOT EXISTS acquaint_outbox_user ON acquaint_outbox (user_id) WHERE state <> 'sent' AND user_id IS NOT NULL;
-- Consent receipts (contract §10): append-only. The database refuses every UPDATE and TRUNCATE,
-- and a DELETE of a receipt younger than 365 days (store/receipts.ts RECEIPT_FLOOR_DAYS), whoever asks.
CREATE TABLE IF NOT EXISTS acquaint_consent_receipts (
  receipt_id uuid PRIMARY KEY,
  previous_id uuid,
  received_at timestamptz NOT NULL DEFAULT now(),
  receipt jsonb NOT NULL
);
CREATE OR REPLACE FUNCTION acquaint_receipts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD.received_at < now() - interval '365 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'consent receipts are append-only: % refused', TG_OP USING ERRCODE = '42501';
END $$;
CREATE OR REPLACE TRIGGER acquaint_receipts_append_only BEFORE UPDATE OR DELETE ON acquaint_consent_receipts
  FOR EACH ROW EXECUTE FUNCTION acquaint_receipts_append_only();
CREATE OR REPLACE TRIGGER acquaint_receipts_no_truncate BEFORE TRUNCATE ON acquaint_consent_receipts
  FOR EACH STATEMENT EXECUTE FUNCTION acquaint_receipts_append_only();
CREATE OR REPLACE VIEW acquaint_dead_letters AS
  SELECT id, destination, message_id, reason, attempts, event, received_at, done_at AS dead_at
  FROM acquaint_outbox WHERE state = 'dead';
COMMIT;
`;
