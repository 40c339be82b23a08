-- Settling pending costs: each row is retried with backoff until the upstream knows its generation.
ALTER TABLE usage_ledger
    ADD COLUMN settle_attempts          integer     NOT NULL DEFAULT 0,
    ADD COLUMN next_settle_at           timestamptz,
    ADD COLUMN settled_at               timestamptz,
    ADD COLUMN provisional_billed_nanos bigint;     -- what the row held before settlement (audit trail)
DROP INDEX usage_ledger_pending;
CREATE INDEX usage_ledger_pending ON usage_ledger (next_settle_at NULLS FIRST, drained_at) WHERE cost_status = 'pending';

-- The last comparison of each user's ledger with the upstream's per-key usage. A drift is confirmed
-- when two checks in a row saw the same drift and the same ledger (no request in flight between).
CREATE TABLE reconciliation_state (
    user_id         text PRIMARY KEY REFERENCES users (id),
    ledger_nanos    bigint      NOT NULL,   -- Σ usage_ledger.upstream_cost_nanos (final rows)
    upstream_nanos  bigint,                 -- Σ the upstream's usage of every key the user had; null: unknown
    drift_nanos     bigint      NOT NULL DEFAULT 0,
    ledger_rows     bigint      NOT NULL,
    pending_rows    bigint      NOT NULL DEFAULT 0,
    confirmed       boolean     NOT NULL DEFAULT false,
    checked_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reconciliation_state_drifting ON reconciliation_state (user_id) WHERE confirmed;
