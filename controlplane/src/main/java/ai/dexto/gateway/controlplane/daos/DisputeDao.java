package ai.dexto.gateway.controlplane.daos;

import ai.dexto.gateway.controlplane.db.Tx;
import java.sql.SQLException;
import java.util.UUID;

/** Stripe disputes against our top-ups: what each debited, and whether winning it gave that back. */
public final class DisputeDao {
    public record Dispute(String id, UUID transactionId, String status, long debitedNanos, boolean restored) {
    }

    /** The dispute's row, created (nothing debited yet) when this is the first event about it; locked. */
    public Dispute lockOrCreate(Tx tx, String disputeId, UUID transactionId, String status) throws SQLException {
        Jdbc.update(tx.connection(), "INSERT INTO stripe_disputes (dispute_id, transaction_id, status) VALUES (?, ?, ?) "
                + "ON CONFLICT (dispute_id) DO NOTHING", ps -> {
                    ps.setString(1, disputeId);
                    ps.setObject(2, transactionId);
                    ps.setString(3, status);
                });
        return Jdbc.one(tx.connection(), "SELECT dispute_id, transaction_id, status, debited_nanos, restored "
                + "FROM stripe_disputes WHERE dispute_id = ? FOR UPDATE", ps -> ps.setString(1, disputeId),
                rs -> new Dispute(rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getLong(4),
                        rs.getBoolean(5)));
    }

    public void update(Tx tx, String disputeId, String status, long debitedNanos, boolean restored)
            throws SQLException {
        Jdbc.update(tx.connection(), "UPDATE stripe_disputes SET status = ?, debited_nanos = ?, restored = ?, "
                + "updated_at = now() WHERE dispute_id = ?", ps -> {
                    ps.setString(1, status);
                    ps.setLong(2, debitedNanos);
                    ps.setBoolean(3, restored);
                    ps.setString(4, disputeId);
                });
    }
}
