package ai.dexto.gateway.controlplane.daos;

import ai.dexto.gateway.controlplane.db.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/** Pending usage rows, their settlement, and each user's comparison with the upstream's usage. */
public final class ReconcileDao {
    /** A usage row whose cost is still provisional. */
    public record Pending(String requestId, String userId, String generationId, long provisionalBilledNanos,
                          int attempts, Instant drainedAt) {
    }

    /** What the reconciler knows of one user's drift. */
    public record Drift(String userId, long ledgerNanos, Long upstreamNanos, long driftNanos, long ledgerRows,
                        long pendingRows, boolean confirmed, Instant checkedAt) {
    }

    /** A user's ledger as the drift check compares it: final upstream cost, row counts. */
    public record Ledger(long upstreamNanos, long rows, long pendingRows) {
    }

    /** Totals for the metrics and the audit. */
    public record Summary(long usersChecked, long usersDrifting, long totalDriftNanos, long unverifiable,
                          long pendingRows, Instant oldestPending, long negativeBalances) {
    }

    private final DataSource ds;

    public ReconcileDao(DataSource ds) {
        this.ds = ds;
    }

    /** Pending rows due for an attempt, oldest first. */
    public List<Pending> duePending(int limit, java.time.Duration inFlightAfter) {
        // an in-flight row waits for its own final record; only one left open that long (its node died) is ours
        return Jdbc.query(ds, "SELECT request_id::text, user_id, generation_id, billed_cost_nanos, settle_attempts, "
                + "drained_at FROM usage_ledger WHERE cost_status = 'pending' "
                + "AND (next_settle_at IS NULL OR next_settle_at <= now()) "
                + "AND (status <> 'in_flight' OR drained_at <= now() - ? * interval '1 millisecond') "
                + "ORDER BY next_settle_at NULLS FIRST, drained_at LIMIT ?", ps -> {
                    ps.setLong(1, inFlightAfter.toMillis());
                    ps.setInt(2, limit);
                },
                rs -> new Pending(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getInt(5),
                        Jdbc.instant(rs, "drained_at")));
    }

    /**
     * Settles a pending row to the upstream's exact cost and moves the user's balance by the difference,
     * in the caller's transaction. The {@code cost_status = 'pending'} condition (a row lock) makes it
     * exactly once: a concurrent or repeated settlement finds nothing to update. @return whether it settled
     */
    public boolean settle(Tx tx, String requestId, String userId, long billedNanos, long upstreamNanos,
                          long promptTokens, long completionTokens) throws SQLException {
        // the old values come from a locking subselect: the UPDATE's RETURNING sees only the new ones
        long[][] before = new long[1][];
        Object[] where = new Object[2];
        // an in-flight row settled here lost its final record with its node: it ends as cut by a stop
        Boolean settled = Jdbc.one(tx.connection(), "WITH old AS (SELECT request_id, billed_cost_nanos, prompt_tokens, "
                + "completion_tokens, completed_at, model, status FROM usage_ledger "
                + "WHERE request_id = ?::uuid AND cost_status = 'pending' FOR UPDATE) "
                + "UPDATE usage_ledger u SET cost_status = 'final', provisional_billed_nanos = old.billed_cost_nanos, "
                + "status = CASE WHEN old.status = 'in_flight' THEN 'shutdown' ELSE old.status END, "
                + "billed_cost_nanos = ?, upstream_cost_nanos = ?, prompt_tokens = greatest(old.prompt_tokens, ?), "
                + "completion_tokens = greatest(old.completion_tokens, ?), settled_at = now(), next_settle_at = NULL "
                + "FROM old WHERE u.request_id = old.request_id "
                + "RETURNING old.billed_cost_nanos, old.prompt_tokens, old.completion_tokens, u.prompt_tokens, "
                + "u.completion_tokens, old.completed_at, old.model, old.status", ps -> {
                    ps.setString(1, requestId);
                    ps.setLong(2, billedNanos);
                    ps.setLong(3, upstreamNanos);
                    ps.setLong(4, promptTokens);
                    ps.setLong(5, completionTokens);
                }, rs -> {
                    before[0] = new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        "in_flight".equals(rs.getString(8)) ? 1 : 0};
                    where[0] = rs.getTimestamp(6).toInstant();
                    where[1] = rs.getString(7);
                    return true;
                });
        if (settled == null) {
            return false;
        }
        long[] b = before[0];
        long refund = Math.subtractExact(b[0], billedNanos);
        if (refund != 0) {
            Jdbc.update(tx.connection(), "UPDATE balances SET balance_nanos = balance_nanos + ?, version = version + 1, "
                    + "updated_at = now() WHERE user_id = ?", ps -> {
                        ps.setLong(1, refund);
                        ps.setString(2, userId);
                    });
        }
        // the daily rollup sums the ledger: it moves with the row, in the same transaction
        DailyUsageDao.Increments change = new DailyUsageDao.Increments();
        // an in-flight row was not counted in the rollup yet: it counts as a request now
        change.add(userId, (Instant) where[0], (String) where[1], b[5], b[3] - b[1], b[4] - b[2], -refund);
        DailyUsageDao.add(tx.connection(), change);
        tx.userChanged(userId);
        return true;
    }

    /** Not settled this time: try again at {@code next}. */
    public void postpone(String requestId, Instant next) {
        Jdbc.update(ds, "UPDATE usage_ledger SET settle_attempts = settle_attempts + 1, next_settle_at = ? "
                + "WHERE request_id = ?::uuid AND cost_status = 'pending'", ps -> {
                    ps.setTimestamp(1, java.sql.Timestamp.from(next));
                    ps.setString(2, requestId);
                });
    }

    /**
     * The next users to compare: never checked first, then those with balance changes since their last
     * check (recent usage), then the longest unchecked. A million users are thus swept in order of need.
     */
    public List<String> nextToCheck(int limit) {
        return Jdbc.query(ds, "SELECT k.user_id FROM upstream_keys k JOIN balances b ON b.user_id = k.user_id "
                + "LEFT JOIN reconciliation_state r ON r.user_id = k.user_id "
                + "ORDER BY (r.checked_at IS NULL) DESC, (b.updated_at > r.checked_at) DESC, r.checked_at ASC, k.user_id "
                + "LIMIT ?", ps -> ps.setInt(1, limit), rs -> rs.getString(1));
    }

    public Ledger ledger(String userId) {
        return Jdbc.one(ds, "SELECT coalesce(sum(upstream_cost_nanos) FILTER (WHERE cost_status = 'final'), 0), "
                + "count(*), count(*) FILTER (WHERE cost_status = 'pending') FROM usage_ledger WHERE user_id = ?",
                ps -> ps.setString(1, userId), rs -> new Ledger(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
    }

    public Drift drift(String userId) {
        return Jdbc.one(ds, "SELECT user_id, ledger_nanos, upstream_nanos, drift_nanos, ledger_rows, pending_rows, "
                + "confirmed, checked_at FROM reconciliation_state WHERE user_id = ?", ps -> ps.setString(1, userId),
                ReconcileDao::drift);
    }

    public void record(Drift d) {
        Jdbc.update(ds, "INSERT INTO reconciliation_state (user_id, ledger_nanos, upstream_nanos, drift_nanos, "
                + "ledger_rows, pending_rows, confirmed, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, now()) "
                + "ON CONFLICT (user_id) DO UPDATE SET ledger_nanos = excluded.ledger_nanos, "
                + "upstream_nanos = excluded.upstream_nanos, drift_nanos = excluded.drift_nanos, "
                + "ledger_rows = excluded.ledger_rows, pending_rows = excluded.pending_rows, "
                + "confirmed = excluded.confirmed, checked_at = now()", ps -> {
                    ps.setString(1, d.userId());
                    ps.setLong(2, d.ledgerNanos());
                    ps.setObject(3, d.upstreamNanos());
                    ps.setLong(4, d.driftNanos());
                    ps.setLong(5, d.ledgerRows());
                    ps.setLong(6, d.pendingRows());
                    ps.setBoolean(7, d.confirmed());
                });
    }

    public List<Drift> drifting(int limit) {
        return Jdbc.query(ds, "SELECT user_id, ledger_nanos, upstream_nanos, drift_nanos, ledger_rows, pending_rows, "
                + "confirmed, checked_at FROM reconciliation_state WHERE confirmed ORDER BY abs(drift_nanos) DESC LIMIT ?",
                ps -> ps.setInt(1, limit), ReconcileDao::drift);
    }

    public Summary summary() {
        return Jdbc.one(ds, "SELECT (SELECT count(*) FROM reconciliation_state), "
                + "(SELECT count(*) FROM reconciliation_state WHERE confirmed), "
                + "(SELECT coalesce(sum(abs(drift_nanos)), 0) FROM reconciliation_state WHERE confirmed), "
                + "(SELECT count(*) FROM reconciliation_state WHERE upstream_nanos IS NULL), "
                + "(SELECT count(*) FROM usage_ledger WHERE cost_status = 'pending'), "
                + "(SELECT min(drained_at) FROM usage_ledger WHERE cost_status = 'pending'), "
                + "(SELECT count(*) FROM balances WHERE balance_nanos < 0)", ps -> { },
                rs -> new Summary(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant(), rs.getLong(7)));
    }

    private static Drift drift(java.sql.ResultSet rs) throws SQLException {
        return new Drift(rs.getString(1), rs.getLong(2), (Long) rs.getObject(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), rs.getBoolean(7), Jdbc.instant(rs, "checked_at"));
    }
}
