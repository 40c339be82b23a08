-- Stripe credits only what we sold (issue 11): refunds and disputes claw credit back through the
-- credit ledger, once; payments that match nothing of ours are recorded, never credited.

-- Stripe's cumulative amount_refunded seen for the charge, and what refunds and disputes have taken
-- back from the balance so far (never more than amount_nanos).
ALTER TABLE stripe_transactions ADD COLUMN refunded_nanos bigint NOT NULL DEFAULT 0;
ALTER TABLE stripe_transactions ADD COLUMN clawed_back_nanos bigint NOT NULL DEFAULT 0
    CHECK (clawed_back_nanos >= 0 AND clawed_back_nanos <= amount_nanos);
CREATE INDEX stripe_transactions_payment_intent ON stripe_transactions (stripe_payment_intent_id);

-- One row per dispute: what it debited and whether a won dispute gave it back.
CREATE TABLE stripe_disputes (
    dispute_id     text PRIMARY KEY,
    transaction_id uuid        NOT NULL REFERENCES stripe_transactions (id),
    status         text        NOT NULL,
    debited_nanos  bigint      NOT NULL DEFAULT 0,
    restored       boolean     NOT NULL DEFAULT false,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- A paid session, refund or dispute that matched no transaction of ours (or not its amount/currency).
CREATE TABLE stripe_unmatched (
    id           bigserial PRIMARY KEY,
    event_id     text        NOT NULL,
    event_type   text        NOT NULL,
    object_id    text        NOT NULL,     -- the session, charge or dispute id
    payment_intent text,                   -- so a later refund or dispute of it is recognised
    claimed_user text,                     -- the user the object's metadata names, not trusted
    amount_cents bigint,
    currency     text,
    reason       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stripe_unmatched_created ON stripe_unmatched (created_at);
CREATE INDEX stripe_unmatched_payment_intent ON stripe_unmatched (payment_intent);

-- Admin credits with an Idempotency-Key: the first answer is kept and replayed for the same request.
CREATE TABLE admin_idempotency (
    idempotency_key text PRIMARY KEY,
    request_hash    text        NOT NULL,
    response        text,                  -- JSON of the first answer; null until it committed
    created_at      timestamptz NOT NULL DEFAULT now()
);
