package ai.dexto.gateway.controlplane.daos;

import ai.dexto.gateway.controlplane.db.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/** Users (id = the session JWT's subject) with their balance. */
public final class UserDao {
    public record UserRow(String id, String email, String tier, Instant createdAt, long balanceNanos,
                          long lifetimeCreditNanos) {
    }

    private static final String SELECT = "SELECT u.id, u.email, u.tier, u.created_at, "
            + "coalesce(b.balance_nanos, 0) AS balance_nanos, coalesce(b.lifetime_credit_nanos, 0) AS lifetime "
            + "FROM users u LEFT JOIN balances b ON b.user_id = u.id ";

    private final DataSource ds;

    public UserDao(DataSource ds) {
        this.ds = ds;
    }

    /** Creates the user and a zero balance if absent; true when this call created them. */
    public boolean ensure(Tx tx, String userId, String email, String tier) throws SQLException {
        int created = Jdbc.update(tx.connection(),
                "INSERT INTO users (id, email, tier) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING", ps -> {
                    ps.setString(1, userId);
                    ps.setString(2, email);
                    ps.setString(3, tier);
                });
        if (created == 1) {
            Jdbc.update(tx.connection(), "INSERT INTO balances (user_id, balance_nanos) VALUES (?, 0)",
                    ps -> ps.setString(1, userId));
            tx.userChanged(userId);
        } else if (email != null) {
            Jdbc.update(tx.connection(), "UPDATE users SET email = ? WHERE id = ? AND email IS DISTINCT FROM ?",
                    ps -> {
                        ps.setString(1, email);
                        ps.setString(2, userId);
                        ps.setString(3, email);
                    });
        }
        return created == 1;
    }

    public UserRow find(String userId) {
        return Jdbc.one(ds, SELECT + "WHERE u.id = ?", ps -> ps.setString(1, userId), UserDao::row);
    }

    public List<UserRow> search(String query, int limit) {
        if (query == null || query.isBlank()) {
            return Jdbc.query(ds, SELECT + "ORDER BY u.created_at DESC LIMIT ?", ps -> ps.setInt(1, limit),
                    UserDao::row);
        }
        String like = "%" + query.trim().toLowerCase(java.util.Locale.ROOT)
                .replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return Jdbc.query(ds, SELECT + "WHERE lower(u.id) LIKE ? OR lower(u.email) LIKE ? "
                + "ORDER BY u.created_at DESC LIMIT ?", ps -> {
                    ps.setString(1, like);
                    ps.setString(2, like);
                    ps.setInt(3, limit);
                }, UserDao::row);
    }

    public boolean setTier(Tx tx, String userId, String tier) throws SQLException {
        int n = Jdbc.update(tx.connection(), "UPDATE users SET tier = ? WHERE id = ?", ps -> {
            ps.setString(1, tier);
            ps.setString(2, userId);
        });
        if (n == 1) {
            tx.userChanged(userId);
        }
        return n == 1;
    }

    public boolean exists(Tx tx, String userId) throws SQLException {
        return Jdbc.one(tx.connection(), "SELECT 1 FROM users WHERE id = ?", ps -> ps.setString(1, userId),
                rs -> 1) != null;
    }

    private static UserRow row(java.sql.ResultSet rs) throws SQLException {
        return new UserRow(rs.getString("id"), rs.getString("email"), rs.getString("tier"),
                Jdbc.instant(rs, "created_at"), rs.getLong("balance_nanos"), rs.getLong("lifetime"));
    }
}
