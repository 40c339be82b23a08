package ai.dexto.gateway.controlplane.daos;

import ai.dexto.gateway.controlplane.db.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Reads of a user's usage ledger; every query takes the user id, so one user never sees another's. */
public final class UsageDao {
    public record Totals(long requests, long tokens, long costNanos) {
    }

    public record ByModel(String model, long requests, long tokens, long costNanos) {
    }

    public record UsageRow(UUID requestId, String model, long keyId, long promptTokens, long completionTokens,
                           long cachedTokens, long reasoningTokens, long billedCostNanos, String status,
                           boolean streamed, int httpStatus, String sessionId, String generationId,
                           Instant completedAt) {
    }

    /** Keyset position of the last row of a page: rows sort by (completed_at, request_id) descending. */
    public record Position(Instant completedAt, UUID requestId) {
    }

    @FunctionalInterface
    public interface RowSink {
        void accept(UsageRow row) throws java.io.IOException;
    }

    private static final String ROW_COLUMNS = "request_id, model, key_id, prompt_tokens, completion_tokens, "
            + "cached_tokens, reasoning_tokens, billed_cost_nanos, status, streamed, http_status, session_id, "
            + "generation_id, completed_at";

    private final DataSource ds;

    public UsageDao(DataSource ds) {
        this.ds = ds;
    }

    public Totals totals(String userId, Instant start, Instant end) {
        return Jdbc.one(ds, "SELECT " + sums(start, end) + " FROM " + source(start, end),
                ps -> bind(ps, userId, start, end), rs -> new Totals(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
    }

    /** A user's totals and balance read in one statement, so one snapshot: a drain commit between two
     *  separate reads would show a request counted but not yet debited (or the reverse). */
    public record Summary(Totals totals, long balanceNanos) {
    }

    public Summary summary(String userId, Instant start, Instant end) {
        return Jdbc.one(ds, "SELECT (SELECT coalesce(max(balance_nanos), 0) FROM balances WHERE user_id = ?), "
                + sums(start, end) + " FROM " + source(start, end), ps -> {
                    ps.setString(1, userId);
                    bind(ps, 2, userId, start, end);
                },
                rs -> new Summary(new Totals(rs.getLong(2), rs.getLong(3), rs.getLong(4)), rs.getLong(1)));
    }

    public List<ByModel> byModel(String userId, Instant start, Instant end) {
        return Jdbc.query(ds, "SELECT model, " + sums(start, end) + " FROM " + source(start, end)
                        + " GROUP BY model ORDER BY 4 DESC, 1",
                ps -> bind(ps, userId, start, end),
                rs -> new ByModel(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
    }

    /**
     * A range of whole UTC days is summed from the daily rollup (at most days × models rows, however
     * many requests); any other range from the ledger rows themselves. Both bind (user, start, end).
     */
    private static String source(Instant start, Instant end) {
        return wholeDays(start, end)
                ? "usage_daily WHERE user_id = ? AND day >= (?::timestamptz AT TIME ZONE 'UTC')::date "
                        + "AND day < (?::timestamptz AT TIME ZONE 'UTC')::date"
                : "usage_ledger WHERE user_id = ? AND completed_at >= ? AND completed_at < ?";
    }

    private static String sums(Instant start, Instant end) {
        return wholeDays(start, end)
                ? "coalesce(sum(requests), 0), coalesce(sum(prompt_tokens + completion_tokens), 0), "
                        + "coalesce(sum(cost_nanos), 0)"
                : "count(*), coalesce(sum(prompt_tokens + completion_tokens), 0), coalesce(sum(billed_cost_nanos), 0)";
    }

    private static boolean wholeDays(Instant start, Instant end) {
        return start.getEpochSecond() % 86_400 == 0 && start.getNano() == 0
                && end.getEpochSecond() % 86_400 == 0 && end.getNano() == 0;
    }

    public List<UsageRow> recent(String userId, Instant start, Instant end, Position after, int limit) {
        String sql = "SELECT " + ROW_COLUMNS + " FROM usage_ledger WHERE user_id = ? AND completed_at >= ? "
                + "AND completed_at < ? " + (after == null ? "" : "AND (completed_at, request_id) < (?, ?) ")
                + "ORDER BY completed_at DESC, request_id DESC LIMIT ?";
        return Jdbc.query(ds, sql, ps -> {
            bind(ps, userId, start, end);
            int p = 4;
            if (after != null) {
                ps.setTimestamp(p++, Timestamp.from(after.completedAt()));
                ps.setObject(p++, after.requestId());
            }
            ps.setInt(p, limit);
        }, UsageDao::row);
    }

    /**
     * Hands every row of the range to {@code sink}, oldest first, a page at a time: each page is read in a
     * short transaction of its own (under {@code statementTimeoutMillis}) and the connection goes back to
     * the pool before the sink sees the rows, so a slow reader of an export never holds one.
     */
    public void stream(String userId, Instant start, Instant end, int pageRows, long statementTimeoutMillis,
                       RowSink sink) throws java.io.IOException {
        Position after = null;
        while (true) {
            List<UsageRow> page = page(userId, start, end, after, pageRows, statementTimeoutMillis);
            for (UsageRow row : page) {
                sink.accept(row);
            }
            if (page.size() < pageRows) {
                return;
            }
            UsageRow last = page.get(page.size() - 1);
            after = new Position(last.completedAt(), last.requestId());
        }
    }

    private List<UsageRow> page(String userId, Instant start, Instant end, Position after, int limit,
                                long statementTimeoutMillis) {
        String sql = "SELECT " + ROW_COLUMNS + " FROM usage_ledger WHERE user_id = ? AND completed_at >= ? "
                + "AND completed_at < ? " + (after == null ? "" : "AND (completed_at, request_id) > (?, ?) ")
                + "ORDER BY completed_at, request_id LIMIT ?";
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement timeout = c.prepareStatement("SELECT set_config('statement_timeout', ?, true)")) {
                    timeout.setString(1, Long.toString(statementTimeoutMillis));
                    timeout.execute();
                }
                List<UsageRow> rows = Jdbc.query(c, sql, ps -> {
                    bind(ps, userId, start, end);
                    int p = 4;
                    if (after != null) {
                        ps.setTimestamp(p++, Timestamp.from(after.completedAt()));
                        ps.setObject(p++, after.requestId());
                    }
                    ps.setInt(p, limit);
                }, UsageDao::row);
                c.commit();
                return rows;
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** All-time totals, for admin summaries. */
    public Totals lifetime(String userId) {
        return totals(userId, Instant.EPOCH, Instant.parse("9999-01-01T00:00:00Z"));
    }

    private static void bind(PreparedStatement ps, String userId, Instant start, Instant end) throws SQLException {
        bind(ps, 1, userId, start, end);
    }

    private static void bind(PreparedStatement ps, int first, String userId, Instant start, Instant end)
            throws SQLException {
        ps.setString(first, userId);
        ps.setTimestamp(first + 1, Timestamp.from(start));
        ps.setTimestamp(first + 2, Timestamp.from(end));
    }

    private static UsageRow row(ResultSet rs) throws SQLException {
        return new UsageRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getString(9), rs.getBoolean(10), rs.getInt(11),
                rs.getString(12), rs.getString(13), Jdbc.instant(rs, "completed_at"));
    }
}
