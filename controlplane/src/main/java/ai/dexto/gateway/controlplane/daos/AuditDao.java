package ai.dexto.gateway.controlplane.daos;

import java.util.List;
import javax.sql.DataSource;

/** The money invariant: for every user, balance = Σ credit_ledger − Σ usage_ledger.billed_cost. */
public final class AuditDao {
    public record Mismatch(String userId, long balanceNanos, long creditsNanos, long usageNanos) {
        public long expectedNanos() {
            return creditsNanos - usageNanos;
        }
    }

    public record Result(long usersChecked, List<Mismatch> mismatches) {
    }

    private final DataSource ds;

    public AuditDao(DataSource ds) {
        this.ds = ds;
    }

    public Result audit() {
        // one statement: one snapshot of balances and both ledgers
        List<Object[]> rows = Jdbc.query(ds,
                "WITH c AS (SELECT user_id, sum(amount_nanos) AS total FROM credit_ledger GROUP BY user_id), "
                        + "u AS (SELECT user_id, sum(billed_cost_nanos) AS total FROM usage_ledger GROUP BY user_id), "
                        + "ids AS (SELECT user_id FROM balances UNION SELECT user_id FROM c UNION SELECT user_id FROM u) "
                        + "SELECT ids.user_id, b.balance_nanos, coalesce(c.total, 0), coalesce(u.total, 0) FROM ids "
                        + "LEFT JOIN balances b ON b.user_id = ids.user_id LEFT JOIN c ON c.user_id = ids.user_id "
                        + "LEFT JOIN u ON u.user_id = ids.user_id",
                ps -> { }, rs -> new Object[] {rs.getString(1), rs.getObject(2) == null ? null : rs.getLong(2),
                        rs.getLong(3), rs.getLong(4)});
        List<Mismatch> mismatches = rows.stream()
                .filter(r -> r[1] == null || (Long) r[1] != (Long) r[2] - (Long) r[3])
                .map(r -> new Mismatch((String) r[0], r[1] == null ? 0 : (Long) r[1], (Long) r[2], (Long) r[3]))
                .toList();
        return new Result(rows.size(), mismatches);
    }
}
