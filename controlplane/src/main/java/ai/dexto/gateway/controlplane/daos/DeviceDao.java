package ai.dexto.gateway.controlplane.daos;

import ai.dexto.gateway.controlplane.db.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Device authorizations (RFC 8628). Every state change is one conditional statement, so two racing
 * requests (two polls, an approval and a denial) can never both win: the row's status is the lock.
 */
public final class DeviceDao {
    /** A device authorization as stored; {@code sealedSession} is non-null only while approved, not delivered. */
    public record Row(long id, String userCode, String client, String status, int intervalSeconds,
                      Instant createdAt, Instant expiresAt, Instant lastPolledAt, String userId, String email,
                      String sealedSession, Instant sessionExpiresAt) {
    }

    /** What a successful delivery claim hands over: the approving user and their sealed session. */
    public record Claimed(long id, String userId, String email, String sealedSession, Instant sessionExpiresAt) {
    }

    private static final String COLUMNS = "id, user_code, client, status, interval_seconds, created_at, expires_at, "
            + "last_polled_at, user_id, user_email, sealed_session, session_expires_at";

    private final DataSource ds;

    public DeviceDao(DataSource ds) {
        this.ds = ds;
    }

    /** Inserts a pending authorization; false when the user code collides with a pending one (pick another). */
    public boolean insert(String deviceCodeHash, String userCode, String client, int intervalSeconds,
                          Instant expiresAt) {
        Long id = Jdbc.one(ds, "INSERT INTO device_authorizations "
                        + "(device_code_hash, user_code, client, interval_seconds, expires_at) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT DO NOTHING RETURNING id",
                ps -> {
                    ps.setString(1, deviceCodeHash);
                    ps.setString(2, userCode);
                    ps.setString(3, client);
                    ps.setInt(4, intervalSeconds);
                    ps.setTimestamp(5, Timestamp.from(expiresAt));
                }, rs -> rs.getLong(1));
        return id != null;
    }

    public Row findByDeviceCodeHash(String hash) {
        return Jdbc.one(ds, "SELECT " + COLUMNS + " FROM device_authorizations WHERE device_code_hash = ?",
                ps -> ps.setString(1, hash), DeviceDao::row);
    }

    /** The pending, unexpired authorization with this user code, or null. */
    public Row findPending(String userCode, Instant now) {
        return Jdbc.one(ds, "SELECT " + COLUMNS + " FROM device_authorizations "
                        + "WHERE user_code = ? AND status = 'pending' AND expires_at > ?",
                ps -> {
                    ps.setString(1, userCode);
                    ps.setTimestamp(2, Timestamp.from(now));
                }, DeviceDao::row);
    }

    /** Records a poll at {@code now} and the interval the device must keep from now on. */
    public void polled(long id, Instant now, int intervalSeconds) {
        update("UPDATE device_authorizations SET last_polled_at = ?, interval_seconds = ? WHERE id = ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setInt(2, intervalSeconds);
            ps.setLong(3, id);
        });
    }

    /**
     * Approves (with the approver's sealed session) or denies a pending, unexpired authorization.
     *
     * @return the client that asked, or null when no such pending code exists (unknown, expired, decided)
     */
    public String decide(String userCode, boolean approve, String userId, String email, String sealedSession,
                         Instant sessionExpiresAt, Instant now) {
        return Jdbc.one(ds, "UPDATE device_authorizations SET status = ?, user_id = ?, user_email = ?, "
                        + "sealed_session = ?, session_expires_at = ?, decided_at = ? "
                        + "WHERE user_code = ? AND status = 'pending' AND expires_at > ? RETURNING client",
                ps -> {
                    ps.setString(1, approve ? "approved" : "denied");
                    ps.setString(2, userId);
                    ps.setString(3, email);
                    ps.setString(4, approve ? sealedSession : null);
                    ps.setTimestamp(5, approve && sessionExpiresAt != null ? Timestamp.from(sessionExpiresAt) : null);
                    ps.setTimestamp(6, Timestamp.from(now));
                    ps.setString(7, userCode);
                    ps.setTimestamp(8, Timestamp.from(now));
                }, rs -> rs.getString(1));
    }

    /**
     * Marks an approved, unexpired authorization delivered and erases its sealed session, returning
     * what was there. Exactly one caller ever gets a non-null answer for a given row.
     */
    public Claimed claimDelivery(long id, Instant now) {
        return Jdbc.one(ds, "UPDATE device_authorizations d SET status = 'delivered', delivered_at = ?, "
                        + "sealed_session = NULL FROM (SELECT id, sealed_session FROM device_authorizations "
                        + "WHERE id = ? AND status = 'approved' AND expires_at > ? FOR UPDATE) old "
                        + "WHERE d.id = old.id RETURNING d.id, d.user_id, d.user_email, old.sealed_session, "
                        + "d.session_expires_at",
                ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setLong(2, id);
                    ps.setTimestamp(3, Timestamp.from(now));
                }, rs -> new Claimed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Jdbc.instant(rs, "session_expires_at")));
    }

    /** Puts a claim back (provisioning failed before a key existed), so the device's next poll retries. */
    public void unclaim(Claimed claimed) {
        update("UPDATE device_authorizations SET status = 'approved', delivered_at = NULL, sealed_session = ? "
                + "WHERE id = ? AND status = 'delivered' AND key_id IS NULL", ps -> {
                    ps.setString(1, claimed.sealedSession());
                    ps.setLong(2, claimed.id());
                });
    }

    public void delivered(long id, long keyId) {
        update("UPDATE device_authorizations SET key_id = ? WHERE id = ?", ps -> {
            ps.setLong(1, keyId);
            ps.setLong(2, id);
        });
    }

    /** Forgets authorizations that expired more than a day ago. */
    public int prune(Instant now) {
        try (Connection c = ds.getConnection()) {
            return Jdbc.update(c, "DELETE FROM device_authorizations WHERE expires_at < ?",
                    ps -> ps.setTimestamp(1, Timestamp.from(now.minusSeconds(86_400))));
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    private void update(String sql, Jdbc.Binder binder) {
        try (Connection c = ds.getConnection()) {
            Jdbc.update(c, sql, binder);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    private static Row row(java.sql.ResultSet rs) throws SQLException {
        return new Row(rs.getLong("id"), rs.getString("user_code"), rs.getString("client"), rs.getString("status"),
                rs.getInt("interval_seconds"), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "expires_at"),
                Jdbc.instant(rs, "last_polled_at"), rs.getString("user_id"), rs.getString("user_email"),
                rs.getString("sealed_session"), Jdbc.instant(rs, "session_expires_at"));
    }
}
