package ai.dexto.gateway.controlplane.daos;

import ai.dexto.gateway.controlplane.db.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/**
 * Credits: every change of a balance other than usage is a credit_ledger row written in the same
 * transaction as the balance update, so {@code balance = Σ credits − Σ usage} always holds.
 */
public final class LedgerDao {
    public enum Kind { INTRO, TOPUP, ADMIN, REFUND, CHARGEBACK;

        public String sql() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The outcome of a credit: null id when {@code reference} was already used (nothing changed). */
    public record Credit(Long id, long balanceNanos, long lifetimeCreditNanos) {
        public boolean applied() {
            return id != null;
        }
    }

    public record CreditRow(long id, long amountNanos, String kind, String reason, String actor,
                            String reference, Instant createdAt) {
    }

    private final DataSource ds;

    public LedgerDao(DataSource ds) {
        this.ds = ds;
    }

    /**
     * Adds {@code amountNanos} (negative debits) to the user's balance with its ledger row. A non-null
     * {@code reference} is unique: a second credit with it changes nothing and returns an unapplied Credit.
     */
    public Credit credit(Tx tx, String userId, long amountNanos, Kind kind, String reason, String actor,
                         String reference) throws SQLException {
        Long id = Jdbc.one(tx.connection(),
                "INSERT INTO credit_ledger (user_id, amount_nanos, kind, reason, actor, reference) "
                        + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (reference) DO NOTHING RETURNING id", ps -> {
                    ps.setString(1, userId);
                    ps.setLong(2, amountNanos);
                    ps.setString(3, kind.sql());
                    ps.setString(4, reason);
                    ps.setString(5, actor);
                    ps.setString(6, reference);
                }, rs -> rs.getLong(1));
        if (id == null) {
            long[] b = balance(tx, userId);
            return new Credit(null, b[0], b[1]);
        }
        long lifetimeDelta = amountNanos > 0 ? amountNanos : 0;
        long[] b = Jdbc.one(tx.connection(),
                "UPDATE balances SET balance_nanos = balance_nanos + ?, "
                        + "lifetime_credit_nanos = lifetime_credit_nanos + ?, version = version + 1, "
                        + "updated_at = now() WHERE user_id = ? RETURNING balance_nanos, lifetime_credit_nanos",
                ps -> {
                    ps.setLong(1, amountNanos);
                    ps.setLong(2, lifetimeDelta);
                    ps.setString(3, userId);
                }, rs -> new long[] {rs.getLong(1), rs.getLong(2)});
        if (b == null) {
            throw new SQLException("no balance row for user", "23503");
        }
        tx.userChanged(userId);
        return new Credit(id, b[0], b[1]);
    }

    private static long[] balance(Tx tx, String userId) throws SQLException {
        long[] b = Jdbc.one(tx.connection(),
                "SELECT balance_nanos, lifetime_credit_nanos FROM balances WHERE user_id = ?",
                ps -> ps.setString(1, userId), rs -> new long[] {rs.getLong(1), rs.getLong(2)});
        return b == null ? new long[] {0, 0} : b;
    }

    public List<CreditRow> creditsOf(String userId, int limit) {
        return Jdbc.query(ds, "SELECT id, amount_nanos, kind, reason, actor, reference, created_at "
                + "FROM credit_ledger WHERE user_id = ? ORDER BY id DESC LIMIT ?", ps -> {
                    ps.setString(1, userId);
                    ps.setInt(2, limit);
                }, rs -> new CreditRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), Jdbc.instant(rs, "created_at")));
    }
}
