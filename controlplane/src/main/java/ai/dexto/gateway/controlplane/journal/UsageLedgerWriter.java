package ai.dexto.gateway.controlplane.journal;

import ai.dexto.gateway.common.usage.UsageStatus;
import ai.dexto.gateway.controlplane.daos.DailyUsageDao;
import ai.dexto.gateway.controlplane.db.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies one drained batch in one transaction: usage rows (a replayed request id inserts nothing and
 * bills nothing; a stream's final record completes the row its in-flight record made, exactly once), balance debits by what was actually inserted, keys' last use, per user and node the
 * last applied sequence, the journal position, and feed changes for every touched user. What was
 * inserted is also added to the daily rollup ({@code usage_daily}), in the same transaction.
 */
final class UsageLedgerWriter {
    private static final String MICROS = "CASE WHEN %s = 0 THEN NULL ELSE timestamptz 'epoch' + %s * interval '1 microsecond' END";

    private static final String INSERT_USAGE =
            "INSERT INTO usage_ledger (request_id, user_id, key_id, node_id, node_sequence, model, generation_id, "
                    + "prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, billed_cost_nanos, "
                    + "upstream_cost_nanos, status, streamed, http_status, session_id, received_at, first_byte_at, "
                    + "completed_at, cost_status, reserved_nanos) "
                    + "SELECT r::uuid, u, k, n, s, m, g, pt, ct, cat, rt, bc, uc, st, sm, hs, sid, "
                    + String.format(MICROS, "ra", "ra") + ", " + String.format(MICROS, "fa", "fa") + ", "
                    + "coalesce(" + String.format(MICROS, "ca", "ca") + ", now()), cs, rn "
                    + "FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[], "
                    + "?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], "
                    + "?::boolean[], ?::int[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[]) "
                    + "AS t(r, u, k, n, s, m, g, pt, ct, cat, rt, bc, uc, st, sm, hs, sid, ra, fa, ca, cs, rn) "
                    // a replay changes nothing; a stream's final record completes its in-flight row, once
                    + "ON CONFLICT (request_id) DO UPDATE SET node_id = excluded.node_id, "
                    + "node_sequence = excluded.node_sequence, generation_id = excluded.generation_id, "
                    + "prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens, "
                    + "cached_tokens = excluded.cached_tokens, reasoning_tokens = excluded.reasoning_tokens, "
                    + "billed_cost_nanos = excluded.billed_cost_nanos, upstream_cost_nanos = excluded.upstream_cost_nanos, "
                    + "status = excluded.status, http_status = excluded.http_status, first_byte_at = excluded.first_byte_at, "
                    + "completed_at = excluded.completed_at, cost_status = excluded.cost_status "
                    + "WHERE usage_ledger.status = 'in_flight' AND usage_ledger.cost_status = 'pending' "
                    + "AND excluded.status <> 'in_flight' "
                    + "RETURNING user_id, key_id, billed_cost_nanos, completed_at, model, prompt_tokens, completion_tokens, "
                    + "status";

    private final Transactions transactions;
    private final DrainFaults faults;

    UsageLedgerWriter(Transactions transactions, DrainFaults faults) {
        this.transactions = transactions;
        this.faults = faults;
    }

    /** @return how many of the batch's events were new (inserted and billed) */
    int apply(String queueId, UsageBatch b) {
        return transactions.inTransaction(tx -> {
            Connection c = tx.connection();
            int inserted = 0;
            Map<String, Long> debits = new TreeMap<>();
            Map<Long, java.sql.Timestamp> keyUse = new HashMap<>();
            DailyUsageDao.Increments daily = new DailyUsageDao.Increments();
            if (b.size > 0) {
                ensureUsers(c, b);
                try (PreparedStatement ps = c.prepareStatement(INSERT_USAGE)) {
                    int p = 1;
                    ps.setArray(p++, c.createArrayOf("text", b.head(b.requestIds)));
                    ps.setArray(p++, c.createArrayOf("text", b.head(b.userIds)));
                    ps.setArray(p++, c.createArrayOf("bigint", b.head(b.keyIds)));
                    ps.setArray(p++, c.createArrayOf("text", b.head(b.nodeIds)));
                    ps.setArray(p++, c.createArrayOf("bigint", b.head(b.nodeSequences)));
                    ps.setArray(p++, c.createArrayOf("text", b.head(b.models)));
                    ps.setArray(p++, c.createArrayOf("text", b.head(b.generationIds)));
                    ps.setArray(p++, c.createArrayOf("bigint", b.head(b.promptTokens)));
                    ps.setArray(p++, c.createArrayOf("bigint", b.head(b.completionTokens)));
                    ps.setArray(p++, c.createArrayOf("bigint", b.head(b.cachedTokens)));
                    ps.setArray(p++, c.createArrayOf("bigint", b.head(b.reasoningTokens)));
                    ps.setArray(p++, c.createArrayOf("bigint", b.head(b.billedCosts)));
                    ps.setArray(p++, c.createArrayOf("bigint", b.head(b.upstreamCosts)));
                    ps.setArray(p++, c.createArrayOf("text", b.head(b.statuses)));
                    ps.setArray(p++, c.createArrayOf("boolean", b.head(b.streamed)));
                    ps.setArray(p++, c.createArrayOf("int4", b.head(b.httpStatuses)));
                    ps.setArray(p++, c.createArrayOf("text", b.head(b.sessionIds)));
                    ps.setArray(p++, c.createArrayOf("bigint", b.head(b.receivedAt)));
                    ps.setArray(p++, c.createArrayOf("bigint", b.head(b.firstByteAt)));
                    ps.setArray(p++, c.createArrayOf("bigint", b.head(b.completedAt)));
                    ps.setArray(p++, c.createArrayOf("text", b.head(b.costStatuses)));
                    ps.setArray(p, c.createArrayOf("bigint", b.head(b.reservedNanos)));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            inserted++;
                            debits.merge(rs.getString(1), rs.getLong(3), Math::addExact);
                            keyUse.merge(rs.getLong(2), rs.getTimestamp(4), (x, y) -> x.after(y) ? x : y);
                            if (!UsageStatus.IN_FLIGHT.wireName().equals(rs.getString(8))) {
                                // an in-flight row counts once its final record (or the reconciler) completes it
                                daily.add(rs.getString(1), rs.getTimestamp(4).toInstant(), rs.getString(5), 1,
                                        rs.getLong(6), rs.getLong(7), rs.getLong(3));
                            }
                        }
                    }
                }
                debit(c, debits);
                DailyUsageDao.add(c, daily); // after the debits: their balance row locks order it per user
                touchKeys(c, keyUse);
                advanceNodeOffsets(c, b);
                for (int i = 0; i < b.size; i++) {
                    tx.userChanged(b.userIds[i]);
                }
            }
            storeIndex(c, queueId, b);
            faults.beforeCommit(queueId, c);
            return inserted;
        });
    }

    /** Usage for a user the database does not know yet still bills: the user appears with a debit. */
    private static void ensureUsers(Connection c, UsageBatch b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "WITH ids AS (SELECT DISTINCT unnest(?::text[]) AS id), "
                        + "u AS (INSERT INTO users (id) SELECT id FROM ids ORDER BY id ON CONFLICT (id) DO NOTHING RETURNING id) "
                        + "INSERT INTO balances (user_id, balance_nanos) SELECT id, 0 FROM u")) {
            ps.setArray(1, c.createArrayOf("text", b.head(b.userIds)));
            ps.executeUpdate();
        }
    }

    private static void debit(Connection c, Map<String, Long> debits) throws SQLException {
        if (debits.isEmpty()) {
            return;
        }
        // concurrent drains (one per node) lock the rows they share in one order: no deadlocks
        lockInOrder(c, "SELECT 1 FROM balances WHERE user_id = ANY(?::text[]) ORDER BY user_id FOR UPDATE",
                c.createArrayOf("text", debits.keySet().toArray()));
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE balances b SET balance_nanos = b.balance_nanos - d.amount, version = b.version + 1, "
                        + "updated_at = now() FROM (SELECT * FROM unnest(?::text[], ?::bigint[]) "
                        + "AS x(user_id, amount) ORDER BY user_id) d WHERE b.user_id = d.user_id")) {
            ps.setArray(1, c.createArrayOf("text", debits.keySet().toArray()));
            ps.setArray(2, c.createArrayOf("bigint", debits.values().toArray()));
            ps.executeUpdate();
        }
    }

    private static void touchKeys(Connection c, Map<Long, java.sql.Timestamp> keyUse) throws SQLException {
        if (keyUse.isEmpty()) {
            return;
        }
        lockInOrder(c, "SELECT 1 FROM api_keys WHERE id = ANY(?::bigint[]) ORDER BY id FOR UPDATE",
                c.createArrayOf("bigint", new java.util.TreeSet<>(keyUse.keySet()).toArray()));
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE api_keys k SET last_used_at = greatest(coalesce(k.last_used_at, d.ts), d.ts) "
                        + "FROM unnest(?::bigint[], ?::timestamptz[]) AS d(id, ts) WHERE k.id = d.id")) {
            ps.setArray(1, c.createArrayOf("bigint", keyUse.keySet().toArray()));
            ps.setArray(2, c.createArrayOf("timestamptz", keyUse.values().toArray()));
            ps.executeUpdate();
        }
    }

    private static void lockInOrder(Connection c, String sql, java.sql.Array ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // rows are locked as they are read
                }
            }
        }
    }

    private static void advanceNodeOffsets(Connection c, UsageBatch b) throws SQLException {
        Map<String, Long> maxSeq = new TreeMap<>();
        Map<String, String[]> keyParts = new HashMap<>();
        for (int i = 0; i < b.size; i++) {
            String k = b.userIds[i] + '\u0000' + b.nodeIds[i];
            maxSeq.merge(k, b.nodeSequences[i], Math::max);
            keyParts.putIfAbsent(k, new String[] {b.userIds[i], b.nodeIds[i]});
        }
        int n = maxSeq.size();
        String[] users = new String[n];
        String[] nodes = new String[n];
        Long[] seqs = new Long[n];
        int i = 0;
        for (Map.Entry<String, Long> e : maxSeq.entrySet()) {
            String[] parts = keyParts.get(e.getKey());
            users[i] = parts[0];
            nodes[i] = parts[1];
            seqs[i++] = e.getValue();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO balance_node_offsets (user_id, node_id, applied_sequence) "
                        + "SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[]) "
                        + "ON CONFLICT (user_id, node_id) DO UPDATE SET applied_sequence = "
                        + "greatest(balance_node_offsets.applied_sequence, excluded.applied_sequence)")) {
            ps.setArray(1, c.createArrayOf("text", users));
            ps.setArray(2, c.createArrayOf("text", nodes));
            ps.setArray(3, c.createArrayOf("bigint", seqs));
            ps.executeUpdate();
        }
    }

    /** The last applied document of a journal: its index, and who it was (to recognise the journal). */
    record Position(long index, long nodeSequence, String requestId) {
    }

    private static void storeIndex(Connection c, String queueId, UsageBatch b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO journal_offsets (queue_id, last_index, last_node_sequence, last_request_id) "
                        + "VALUES (?, ?, ?, ?::uuid) ON CONFLICT (queue_id) DO UPDATE SET last_index = excluded.last_index, "
                        + "last_node_sequence = excluded.last_node_sequence, "
                        + "last_request_id = excluded.last_request_id, updated_at = now()")) {
            ps.setString(1, queueId);
            ps.setLong(2, b.lastIndex);
            ps.setLong(3, b.lastNodeSequence);
            ps.setString(4, b.lastRequestId);
            ps.executeUpdate();
        }
    }

    /** The stored position of a journal, or null when it was never drained. */
    static Position storedPosition(Transactions transactions, String queueId) {
        return transactions.inTransaction(tx -> {
            try (PreparedStatement ps = tx.connection().prepareStatement(
                    "SELECT last_index, last_node_sequence, last_request_id::text FROM journal_offsets WHERE queue_id = ?")) {
                ps.setString(1, queueId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Position(rs.getLong(1), rs.getLong(2), rs.getString(3)) : null;
                }
            }
        });
    }
}
