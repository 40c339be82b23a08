-- Per user, UTC day and model: what usage_ledger holds, summed. The billing page's totals, charts and
-- the month-to-date figures read this instead of scanning a user's ledger rows (a million rows would
-- take a second; this is at most days × models rows). Kept current by the journal drain in the same
-- transaction as the ledger rows it sums; whoever changes a ledger row's cost or tokens later (the
-- reconciler settling a pending cost) adjusts the row here in the same transaction
-- (daos/DailyUsageDao). Money is BIGINT nano-USD, as everywhere.
CREATE TABLE usage_daily (
    user_id           text   NOT NULL,
    day               date   NOT NULL,   -- the UTC date of completed_at
    model             text   NOT NULL,
    requests          bigint NOT NULL,
    prompt_tokens     bigint NOT NULL,
    completion_tokens bigint NOT NULL,
    cost_nanos        bigint NOT NULL,
    PRIMARY KEY (user_id, day, model)
);

-- Backfill from the rows drained before this table existed.
INSERT INTO usage_daily (user_id, day, model, requests, prompt_tokens, completion_tokens, cost_nanos)
SELECT user_id, (completed_at AT TIME ZONE 'UTC')::date, model, count(*), sum(prompt_tokens),
       sum(completion_tokens), sum(billed_cost_nanos)
FROM usage_ledger
GROUP BY 1, 2, 3;
