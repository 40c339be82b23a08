-- Usage event schema v3: a cost the gateway could not know when the request ended is journaled as
-- pending (provisional = the reservation) and settled later by the reconciler, exactly once.
ALTER TABLE usage_ledger
    ADD COLUMN cost_status    text   NOT NULL DEFAULT 'final' CHECK (cost_status IN ('final', 'pending')),
    ADD COLUMN reserved_nanos bigint NOT NULL DEFAULT 0;
-- The reconciler's work list stays small: only pending rows are indexed.
CREATE INDEX usage_ledger_pending ON usage_ledger (drained_at) WHERE cost_status = 'pending';

-- Key versions: the feed cursor of the key row's last change, so a gateway can refuse a stale state.
ALTER TABLE api_keys ADD COLUMN version bigint NOT NULL DEFAULT 0;
UPDATE api_keys k SET version = c.cursor
FROM (SELECT entity_id, max(cursor) AS cursor FROM feed_changes WHERE entity_kind = 'k' GROUP BY entity_id) c
WHERE c.entity_id = k.id::text;

-- The drain's identity check of a journal: the node sequence and request id of the last applied
-- document. A journal whose document at the stored index is another one was replaced: refused.
ALTER TABLE journal_offsets
    ADD COLUMN last_node_sequence bigint NOT NULL DEFAULT 0,
    ADD COLUMN last_request_id    uuid;
