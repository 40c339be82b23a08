-- The heal endpoint mints at most once per user per minute, across control-plane instances.
ALTER TABLE upstream_keys ADD COLUMN healed_at timestamptz;

-- Every upstream key a user had before the current one, with the upstream's usage of it when it was
-- retired (null: the upstream could not say, e.g. it had lost the key), so the reconciler can compare
-- a user's whole ledger with the upstream's whole record.
CREATE TABLE upstream_key_history (
    upstream_hash text PRIMARY KEY,
    user_id       text        NOT NULL REFERENCES users (id),
    usage_nanos   bigint,
    retired_at    timestamptz NOT NULL DEFAULT now(),
    reason        text        NOT NULL CHECK (reason IN ('rotate', 'heal'))
);
CREATE INDEX upstream_key_history_user ON upstream_key_history (user_id);
