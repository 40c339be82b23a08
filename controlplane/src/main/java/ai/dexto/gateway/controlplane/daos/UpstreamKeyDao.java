package ai.dexto.gateway.controlplane.daos;

import ai.dexto.gateway.controlplane.db.Tx;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/** Sealed per-user upstream keys. Service-only: no API returns anything read here. */
public final class UpstreamKeyDao {
    public record UpstreamKey(String userId, String upstreamHash, String ciphertext, long limitNanos) {
    }

    private final DataSource ds;

    public UpstreamKeyDao(DataSource ds) {
        this.ds = ds;
    }

    public UpstreamKey find(Connection c, String userId) throws SQLException {
        return Jdbc.one(c, "SELECT user_id, upstream_hash, ciphertext, limit_nanos FROM upstream_keys WHERE user_id = ?",
                ps -> ps.setString(1, userId), UpstreamKeyDao::row);
    }

    public UpstreamKey find(String userId) {
        return Jdbc.one(ds, "SELECT user_id, upstream_hash, ciphertext, limit_nanos FROM upstream_keys WHERE user_id = ?",
                ps -> ps.setString(1, userId), UpstreamKeyDao::row);
    }

    public void insert(Tx tx, String userId, String hash, String ciphertext, long limitNanos) throws SQLException {
        Jdbc.update(tx.connection(), "INSERT INTO upstream_keys (user_id, upstream_hash, ciphertext, limit_nanos) "
                + "VALUES (?, ?, ?, ?)", ps -> {
                    ps.setString(1, userId);
                    ps.setString(2, hash);
                    ps.setString(3, ciphertext);
                    ps.setLong(4, limitNanos);
                });
        tx.userChanged(userId);
    }

    /** Replaces the key if it is still {@code expectedOldHash}; false when someone rotated it meanwhile. */
    public boolean replace(Tx tx, String userId, String expectedOldHash, String hash, String ciphertext,
                           long limitNanos) throws SQLException {
        int n = Jdbc.update(tx.connection(), "UPDATE upstream_keys SET upstream_hash = ?, ciphertext = ?, "
                + "limit_nanos = ?, rotated_at = now() WHERE user_id = ? AND upstream_hash = ?", ps -> {
                    ps.setString(1, hash);
                    ps.setString(2, ciphertext);
                    ps.setLong(3, limitNanos);
                    ps.setString(4, userId);
                    ps.setString(5, expectedOldHash);
                });
        if (n == 1) {
            tx.userChanged(userId);
        }
        return n == 1;
    }

    public void recordLimit(Tx tx, String userId, String hash, long limitNanos) throws SQLException {
        Jdbc.update(tx.connection(), "UPDATE upstream_keys SET limit_nanos = greatest(limit_nanos, ?) "
                + "WHERE user_id = ? AND upstream_hash = ?", ps -> {
                    ps.setLong(1, limitNanos);
                    ps.setString(2, userId);
                    ps.setString(3, hash);
                });
    }

    /** Users whose lifetime credits exceed their upstream key's limit. */
    public List<String> usersBelowCredits(int limit) {
        return Jdbc.query(ds, "SELECT k.user_id FROM upstream_keys k JOIN balances b ON b.user_id = k.user_id "
                + "WHERE b.lifetime_credit_nanos > k.limit_nanos LIMIT ?", ps -> ps.setInt(1, limit), rs -> rs.getString(1));
    }

    private static UpstreamKey row(java.sql.ResultSet rs) throws SQLException {
        return new UpstreamKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4));
    }
}
