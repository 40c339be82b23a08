package ai.dexto.gateway.controlplane.daos;

import ai.dexto.gateway.controlplane.db.Tx;
import java.sql.SQLException;

/**
 * Idempotency keys of admin writes. Claiming inserts the key inside the write's own transaction, so a
 * parallel request with the same key waits on the unique index until the first commits (then reads its
 * answer) or rolls back (then claims the key itself): the write happens once.
 */
public final class IdempotencyDao {
    /** What the first request with a key sent and answered. */
    public record Stored(String requestHash, String response) {
    }

    /** Null when this transaction now owns the key; else what the earlier request stored. */
    public Stored claim(Tx tx, String key, String requestHash) throws SQLException {
        int inserted = Jdbc.update(tx.connection(), "INSERT INTO admin_idempotency (idempotency_key, request_hash) "
                + "VALUES (?, ?) ON CONFLICT (idempotency_key) DO NOTHING", ps -> {
                    ps.setString(1, key);
                    ps.setString(2, requestHash);
                });
        if (inserted == 1) {
            return null;
        }
        return Jdbc.one(tx.connection(), "SELECT request_hash, response FROM admin_idempotency WHERE idempotency_key = ?",
                ps -> ps.setString(1, key), rs -> new Stored(rs.getString(1), rs.getString(2)));
    }

    public void answer(Tx tx, String key, String response) throws SQLException {
        Jdbc.update(tx.connection(), "UPDATE admin_idempotency SET response = ? WHERE idempotency_key = ?", ps -> {
            ps.setString(1, response);
            ps.setString(2, key);
        });
    }
}
