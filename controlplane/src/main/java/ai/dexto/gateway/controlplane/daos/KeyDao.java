package ai.dexto.gateway.controlplane.daos;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.controlplane.db.Tx;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/**
 * API keys, stored as SHA-256 only. A user has at most one active key (a partial unique index):
 * issuing a key revokes the previous one in the same transaction.
 */
public final class KeyDao {
    public record ActiveKey(long id, String userId) {
    }

    /** What users and admins see of a key: never its hash. */
    public record KeyView(long id, String userId, String name, String keyDisplay, String status,
                          Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
    }

    /** A freshly issued key; {@code plaintext} is shown to its owner once and never stored. */
    public record IssuedKey(long id, String plaintext, String keyDisplay, boolean replacedActiveKey,
                            Long revokedKeyId) {
    }

    /** A key as the feed describes it. */
    public record KeyState(long id, String hash, String userId, String status) {
    }

    private static final String VIEW_COLUMNS =
            "id, user_id, name, key_display, status, created_at, last_used_at, revoked_at";

    private final DataSource ds;
    private final SecureRandom random = new SecureRandom();

    public KeyDao(DataSource ds) {
        this.ds = ds;
    }

    public ActiveKey findActive(String hash) {
        return Jdbc.one(ds, "SELECT id, user_id FROM api_keys WHERE key_hash = ? AND status = 'active'",
                ps -> ps.setString(1, hash), rs -> new ActiveKey(rs.getLong(1), rs.getString(2)));
    }

    public List<KeyView> listForUser(String userId) {
        return Jdbc.query(ds, "SELECT " + VIEW_COLUMNS + " FROM api_keys WHERE user_id = ? ORDER BY id DESC",
                ps -> ps.setString(1, userId), KeyDao::view);
    }

    public IssuedKey issue(Tx tx, String userId, String name) throws SQLException {
        // the user row's lock serialises issuers: two parallel rotations both succeed, one after the other
        Jdbc.one(tx.connection(), "SELECT 1 FROM users WHERE id = ? FOR NO KEY UPDATE", ps -> ps.setString(1, userId), rs -> 1);
        Long revoked = Jdbc.one(tx.connection(),
                "UPDATE api_keys SET status = 'revoked', revoked_at = now() "
                        + "WHERE user_id = ? AND status = 'active' RETURNING id",
                ps -> ps.setString(1, userId), rs -> rs.getLong(1));
        if (revoked != null) {
            tx.keyChanged(revoked);
        }
        String plaintext = ApiKeys.generate(random);
        String display = ApiKeys.display(plaintext);
        long id = Jdbc.one(tx.connection(),
                "INSERT INTO api_keys (user_id, key_hash, key_display, name) VALUES (?, ?, ?, ?) RETURNING id",
                ps -> {
                    ps.setString(1, userId);
                    ps.setString(2, ApiKeys.hashHex(plaintext));
                    ps.setString(3, display);
                    ps.setString(4, name);
                }, rs -> rs.getLong(1));
        tx.keyChanged(id);
        return new IssuedKey(id, plaintext, display, revoked != null, revoked);
    }

    public boolean hasActive(Tx tx, String userId) throws SQLException {
        return Jdbc.one(tx.connection(), "SELECT 1 FROM api_keys WHERE user_id = ? AND status = 'active'",
                ps -> ps.setString(1, userId), rs -> 1) != null;
    }

    /** Revokes the key only if it belongs to {@code userId}; false when there is no such key of theirs. */
    public boolean revokeOwn(Tx tx, String userId, long keyId) throws SQLException {
        Boolean found = Jdbc.one(tx.connection(),
                "UPDATE api_keys SET status = 'revoked', revoked_at = coalesce(revoked_at, now()) "
                        + "WHERE id = ? AND user_id = ? RETURNING true",
                ps -> {
                    ps.setLong(1, keyId);
                    ps.setString(2, userId);
                }, rs -> true);
        if (found != null) {
            tx.keyChanged(keyId);
        }
        return found != null;
    }

    /** Admin revoke of any key; returns its owner, or null when no such key. */
    public String revokeAny(Tx tx, long keyId) throws SQLException {
        String owner = Jdbc.one(tx.connection(),
                "UPDATE api_keys SET status = 'revoked', revoked_at = coalesce(revoked_at, now()) "
                        + "WHERE id = ? RETURNING user_id",
                ps -> ps.setLong(1, keyId), rs -> rs.getString(1));
        if (owner != null) {
            tx.keyChanged(keyId);
        }
        return owner;
    }

    static KeyView view(java.sql.ResultSet rs) throws SQLException {
        return new KeyView(rs.getLong("id"), rs.getString("user_id"), rs.getString("name"),
                rs.getString("key_display"), rs.getString("status"), Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "last_used_at"), Jdbc.instant(rs, "revoked_at"));
    }
}
