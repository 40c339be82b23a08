package ai.dexto.gateway.controlplane.daos;

import ai.dexto.gateway.controlplane.db.Tx;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/** Sealed per-user upstream keys. Service-only: no API returns anything read here. */
public final class UpstreamKeyDao {
    public record UpstreamKey(String userId, String upstreamHash, String ciphertext, long limitNanos,
                              java.time.Instant healedAt) {
    }

    /** A key the user had before: its upstream id and the upstream's usage of it when retired (null: unknown). */
    public record RetiredKey(String upstreamHash, Long usageNanos) {
    }

    private static final String COLUMNS = "user_id, upstream_hash, ciphertext, limit_nanos, healed_at";

    private final DataSource ds;

    public UpstreamKeyDao(DataSource ds) {
        this.ds = ds;
    }

    public UpstreamKey find(Connection c, String userId) throws SQLException {
        return Jdbc.one(c, "SELECT " + COLUMNS + " FROM upstream_keys WHERE user_id = ?",
                ps -> ps.setString(1, userId), UpstreamKeyDao::row);
    }

    public UpstreamKey find(String userId) {
        return Jdbc.one(ds, "SELECT " + COLUMNS + " FROM upstream_keys WHERE user_id = ?",
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

    /**
     * Replaces the key if it is still {@code expectedOldHash} and records the old one in the user's key
     * history; false when someone rotated it meanwhile. A heal also stamps {@code healed_at}.
     */
    public boolean replace(Tx tx, String userId, String expectedOldHash, String hash, String ciphertext,
                           long limitNanos, String reason) throws SQLException {
        int n = Jdbc.update(tx.connection(), "UPDATE upstream_keys SET upstream_hash = ?, ciphertext = ?, "
                + "limit_nanos = ?, rotated_at = now(), healed_at = CASE WHEN ? THEN now() ELSE healed_at END "
                + "WHERE user_id = ? AND upstream_hash = ?", ps -> {
                    ps.setString(1, hash);
                    ps.setString(2, ciphertext);
                    ps.setLong(3, limitNanos);
                    ps.setBoolean(4, "heal".equals(reason));
                    ps.setString(5, userId);
                    ps.setString(6, expectedOldHash);
                });
        if (n == 1) {
            Jdbc.update(tx.connection(), "INSERT INTO upstream_key_history (upstream_hash, user_id, reason) "
                    + "VALUES (?, ?, ?) ON CONFLICT (upstream_hash) DO NOTHING", ps -> {
                        ps.setString(1, expectedOldHash);
                        ps.setString(2, userId);
                        ps.setString(3, reason);
                    });
            tx.userChanged(userId);
        }
        return n == 1;
    }

    /** The upstream's final usage of a retired key, read after it stopped being handed out. */
    public void recordRetiredUsage(String hash, long usageNanos) {
        Jdbc.update(ds, "UPDATE upstream_key_history SET usage_nanos = ? WHERE upstream_hash = ?", ps -> {
            ps.setLong(1, usageNanos);
            ps.setString(2, hash);
        });
    }

    public List<RetiredKey> retired(String userId) {
        return Jdbc.query(ds, "SELECT upstream_hash, usage_nanos FROM upstream_key_history WHERE user_id = ? "
                + "ORDER BY retired_at", ps -> ps.setString(1, userId),
                rs -> new RetiredKey(rs.getString(1), (Long) rs.getObject(2)));
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
        return new UpstreamKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                Jdbc.instant(rs, "healed_at"));
    }
}
