package ai.dexto.gateway.controlplane.daos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The daily rollup {@code usage_daily}: per user, UTC day and model, the sums of the user's ledger rows.
 * Written only inside the transaction that writes the ledger rows it sums ({@link #add}), so a reader
 * never sees a request in the ledger but not in the rollup, or the reverse.
 */
public final class DailyUsageDao {
    /** One day's usage of one model. */
    public record Day(LocalDate day, String model, long requests, long promptTokens, long completionTokens,
                      long costNanos) {
    }

    /** What one transaction adds to the rollup, summed per (user, day, model) before it is written. */
    public static final class Increments {
        private record Key(String userId, LocalDate day, String model) implements Comparable<Key> {
            @Override
            public int compareTo(Key o) {
                int c = userId.compareTo(o.userId);
                if (c == 0) {
                    c = day.compareTo(o.day);
                }
                return c != 0 ? c : model.compareTo(o.model);
            }
        }

        // sorted: concurrent drains upsert shared rows in one order, so they cannot deadlock on them
        private final Map<Key, long[]> sums = new TreeMap<>();

        public void add(String userId, Instant completedAt, String model, long requests, long promptTokens,
                        long completionTokens, long costNanos) {
            long[] s = sums.computeIfAbsent(new Key(userId, LocalDate.ofInstant(completedAt, ZoneOffset.UTC), model),
                    k -> new long[4]);
            s[0] += requests;
            s[1] += promptTokens;
            s[2] += completionTokens;
            s[3] = Math.addExact(s[3], costNanos);
        }

        public boolean isEmpty() {
            return sums.isEmpty();
        }
    }

    private final DataSource ds;

    public DailyUsageDao(DataSource ds) {
        this.ds = ds;
    }

    /** Adds the increments to the rollup on {@code c}, the connection of the ledger rows' transaction. */
    public static void add(Connection c, Increments increments) throws SQLException {
        if (increments.isEmpty()) {
            return;
        }
        int n = increments.sums.size();
        String[] users = new String[n];
        String[] days = new String[n];
        String[] models = new String[n];
        Long[] requests = new Long[n];
        Long[] prompt = new Long[n];
        Long[] completion = new Long[n];
        Long[] cost = new Long[n];
        int i = 0;
        for (Map.Entry<Increments.Key, long[]> e : increments.sums.entrySet()) {
            users[i] = e.getKey().userId();
            days[i] = e.getKey().day().toString();
            models[i] = e.getKey().model();
            requests[i] = e.getValue()[0];
            prompt[i] = e.getValue()[1];
            completion[i] = e.getValue()[2];
            cost[i++] = e.getValue()[3];
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO usage_daily (user_id, day, model, requests, prompt_tokens, completion_tokens, cost_nanos) "
                        + "SELECT * FROM unnest(?::text[], ?::text[]::date[], ?::text[], ?::bigint[], ?::bigint[], "
                        + "?::bigint[], ?::bigint[]) "
                        + "ON CONFLICT (user_id, day, model) DO UPDATE SET "
                        + "requests = usage_daily.requests + excluded.requests, "
                        + "prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens, "
                        + "completion_tokens = usage_daily.completion_tokens + excluded.completion_tokens, "
                        + "cost_nanos = usage_daily.cost_nanos + excluded.cost_nanos")) {
            ps.setArray(1, c.createArrayOf("text", users));
            ps.setArray(2, c.createArrayOf("text", days));
            ps.setArray(3, c.createArrayOf("text", models));
            ps.setArray(4, c.createArrayOf("bigint", requests));
            ps.setArray(5, c.createArrayOf("bigint", prompt));
            ps.setArray(6, c.createArrayOf("bigint", completion));
            ps.setArray(7, c.createArrayOf("bigint", cost));
            ps.executeUpdate();
        }
    }

    /** The user's usage per day and model for days in {@code [start, endExclusive)}, by day then model. */
    public List<Day> daily(String userId, LocalDate start, LocalDate endExclusive) {
        return Jdbc.query(ds, "SELECT day, model, requests, prompt_tokens, completion_tokens, cost_nanos "
                        + "FROM usage_daily WHERE user_id = ? AND day >= ? AND day < ? ORDER BY day, model",
                ps -> {
                    ps.setString(1, userId);
                    ps.setObject(2, start);
                    ps.setObject(3, endExclusive);
                },
                rs -> new Day(rs.getObject(1, LocalDate.class), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6)));
    }
}
