package ai.dexto.gateway.controlplane.daos;

import ai.dexto.gateway.controlplane.db.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/**
 * Stripe money movements that matched nothing we sold (another amount or currency, an unknown
 * session, a refund of a charge we never credited): recorded for the operators, never credited.
 */
public final class UnmatchedPaymentDao {
    public record Unmatched(long id, String eventId, String eventType, String objectId, String paymentIntent,
                            String claimedUser, Long amountCents, String currency, String reason, Instant createdAt) {
    }

    private final DataSource ds;

    public UnmatchedPaymentDao(DataSource ds) {
        this.ds = ds;
    }

    public void record(Tx tx, Unmatched u) throws SQLException {
        Jdbc.update(tx.connection(), "INSERT INTO stripe_unmatched (event_id, event_type, object_id, payment_intent, "
                + "claimed_user, amount_cents, currency, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, u.eventId());
                    ps.setString(2, u.eventType());
                    ps.setString(3, u.objectId());
                    ps.setString(4, u.paymentIntent());
                    ps.setString(5, u.claimedUser());
                    ps.setObject(6, u.amountCents());
                    ps.setString(7, u.currency());
                    ps.setString(8, u.reason());
                });
    }

    /** True when this payment intent paid something already recorded as unmatched. */
    public boolean knows(Tx tx, String paymentIntent) throws SQLException {
        return paymentIntent != null && Jdbc.one(tx.connection(), "SELECT 1 FROM stripe_unmatched "
                + "WHERE payment_intent = ? LIMIT 1", ps -> ps.setString(1, paymentIntent), rs -> 1) != null;
    }

    public List<Unmatched> list(String claimedUser, int limit) {
        return Jdbc.query(ds, "SELECT id, event_id, event_type, object_id, payment_intent, claimed_user, "
                + "amount_cents, currency, "
                + "reason, created_at FROM stripe_unmatched WHERE (?::text IS NULL OR claimed_user = ?) "
                + "ORDER BY id DESC LIMIT ?", ps -> {
                    ps.setString(1, claimedUser);
                    ps.setString(2, claimedUser);
                    ps.setInt(3, limit);
                }, rs -> new Unmatched(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), (Long) rs.getObject(7), rs.getString(8), rs.getString(9),
                        Jdbc.instant(rs, "created_at")));
    }
}
