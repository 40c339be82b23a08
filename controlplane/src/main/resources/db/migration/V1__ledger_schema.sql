-- Money is BIGINT nano-USD everywhere (1 USD = 1e9), never floating point.

CREATE TABLE users (
    id          text PRIMARY KEY,             -- the session JWT's sub
    email       text,
    tier        text        NOT NULL DEFAULT 'free',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_email ON users (lower(email));

CREATE TABLE balances (
    user_id               text PRIMARY KEY REFERENCES users (id),
    balance_nanos         bigint      NOT NULL,
    -- sum of every positive credit ever granted; the upstream key's limit is kept at or above it
    lifetime_credit_nanos bigint      NOT NULL DEFAULT 0,
    version               bigint      NOT NULL DEFAULT 0,
    updated_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id           bigserial PRIMARY KEY,
    user_id      text        NOT NULL REFERENCES users (id),
    key_hash     text        NOT NULL UNIQUE,  -- lowercase hex SHA-256 of the key; the key itself is never stored
    key_display  text        NOT NULL,
    name         text        NOT NULL DEFAULT 'default',
    status       text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_user ON api_keys (user_id);
-- one active key per user (plan phase 2): rotation revokes and issues in one transaction
CREATE UNIQUE INDEX api_keys_one_active_per_user ON api_keys (user_id) WHERE status = 'active';

-- Partition-ready: no foreign keys point into it and none leave it, every query filters on
-- (user_id, completed_at); request_id is a UUIDv7 (time-ordered), the replay guard of the drain.
CREATE TABLE usage_ledger (
    request_id          uuid        NOT NULL,
    user_id             text        NOT NULL,
    key_id              bigint      NOT NULL,
    node_id             text        NOT NULL,
    node_sequence       bigint      NOT NULL,
    model               text        NOT NULL,
    generation_id       text,
    prompt_tokens       bigint      NOT NULL DEFAULT 0,
    completion_tokens   bigint      NOT NULL DEFAULT 0,
    cached_tokens       bigint      NOT NULL DEFAULT 0,
    reasoning_tokens    bigint      NOT NULL DEFAULT 0,
    billed_cost_nanos   bigint      NOT NULL,
    upstream_cost_nanos bigint      NOT NULL,
    status              text        NOT NULL,
    streamed            boolean     NOT NULL,
    http_status         integer     NOT NULL,
    session_id          text,
    received_at         timestamptz,
    first_byte_at       timestamptz,
    completed_at        timestamptz NOT NULL,
    drained_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT usage_ledger_request_id_unique UNIQUE (request_id)
);
CREATE INDEX usage_ledger_user_completed ON usage_ledger (user_id, completed_at);

CREATE TABLE credit_ledger (
    id           bigserial PRIMARY KEY,
    user_id      text        NOT NULL REFERENCES users (id),
    amount_nanos bigint      NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('intro', 'topup', 'admin', 'refund', 'chargeback')),
    reason       text,
    actor        text        NOT NULL,
    reference    text UNIQUE,                  -- e.g. the Stripe session id: a payment credits once
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credit_ledger_user ON credit_ledger (user_id, created_at);

-- Service-only: never returned by any API.
CREATE TABLE upstream_keys (
    user_id       text PRIMARY KEY REFERENCES users (id),
    upstream_hash text        NOT NULL,        -- the upstream's id of the key, for PATCH/DELETE
    ciphertext    text        NOT NULL,        -- UpstreamKeyCipher, user id bound as associated data
    limit_nanos   bigint      NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    rotated_at    timestamptz
);

CREATE TABLE stripe_transactions (
    id                       uuid PRIMARY KEY,
    user_id                  text        NOT NULL REFERENCES users (id),
    amount_nanos             bigint      NOT NULL,
    currency                 text        NOT NULL DEFAULT 'usd',
    status                   text        NOT NULL CHECK (status IN ('pending', 'completed', 'failed', 'expired', 'refunded')),
    stripe_session_id        text UNIQUE,
    stripe_payment_intent_id text,
    created_at               timestamptz NOT NULL DEFAULT now(),
    completed_at             timestamptz,
    updated_at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stripe_transactions_user ON stripe_transactions (user_id, created_at);
CREATE INDEX stripe_transactions_status ON stripe_transactions (status, created_at);

CREATE TABLE stripe_events (
    event_id    text PRIMARY KEY,
    type        text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- The drain's position per journal (queue id = the journal directory's name = node id).
CREATE TABLE journal_offsets (
    queue_id   text PRIMARY KEY,
    last_index bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Per user and node: the last nodeSequence already applied to balances (the feed's applied_sequence).
CREATE TABLE balance_node_offsets (
    user_id          text   NOT NULL,
    node_id          text   NOT NULL,
    applied_sequence bigint NOT NULL,
    PRIMARY KEY (user_id, node_id)
);

-- Feed: one head row whose lock orders cursors by commit; change rows tagged with that cursor.
CREATE TABLE feed_head (
    id             integer PRIMARY KEY CHECK (id = 1),
    cursor         bigint NOT NULL,
    pruned_through bigint NOT NULL DEFAULT 0   -- changes at or below were deleted: older cursors resnapshot
);
INSERT INTO feed_head (id, cursor) VALUES (1, 0);

CREATE TABLE feed_changes (
    cursor      bigint      NOT NULL,
    entity_kind char(1)     NOT NULL CHECK (entity_kind IN ('u', 'k')),  -- user, key
    entity_id   text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feed_changes_cursor ON feed_changes (cursor);
