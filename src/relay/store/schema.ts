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
CREATE OR REPLACE VIEW acquaint_dead_letters AS
  SELECT id, destination, message_id, reason, attempts, event, received_at, done_at AS dead_at
  FROM acquaint_outbox WHERE state = 'dead';
COMMIT;
`;
