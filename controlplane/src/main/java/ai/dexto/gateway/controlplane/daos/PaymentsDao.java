package ai.dexto.gateway.controlplane.daos;

import ai.dexto.gateway.controlplane.db.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Stripe checkout transactions and the processed-event log that makes the webhook idempotent. */
public final class PaymentsDao {
    /**
     * A top-up. {@code refundedNanos}: Stripe's cumulative refunds seen for its charge;
     * {@code clawedBackNanos}: what refunds and disputes took back from the balance (≤ amount).
     */
    public record Transaction(UUID id, String userId, long amountNanos, String currency, String status,
                              String sessionId, String paymentIntentId, Instant createdAt, Instant completedAt,
                              long refundedNanos, long clawedBackNanos) {
    }

    private static final String COLUMNS = "id, user_id, amount_nanos, currency, status, stripe_session_id, "
            + "stripe_payment_intent_id, created_at, completed_at, refunded_nanos, clawed_back_nanos";

    private final DataSource ds;

    public PaymentsDao(DataSource ds) {
        this.ds = ds;
    }

    public void insertPending(Tx tx, UUID id, String userId, long amountNanos) throws SQLException {
        Jdbc.update(tx.connection(), "INSERT INTO stripe_transactions (id, user_id, amount_nanos, status) "
                + "VALUES (?, ?, ?, 'pending')", ps -> {
                    ps.setObject(1, id);
                    ps.setString(2, userId);
                    ps.setLong(3, amountNanos);
                });
    }

    public void attachSession(Tx tx, UUID id, String sessionId) throws SQLException {
        Jdbc.update(tx.connection(), "UPDATE stripe_transactions SET stripe_session_id = ?, updated_at = now() "
                + "WHERE id = ? AND stripe_session_id IS NULL", ps -> {
                    ps.setString(1, sessionId);
                    ps.setObject(2, id);
                });
    }

    /** Records an event id; false when it was processed before (or is being processed by a parallel delivery). */
    public boolean recordEvent(Tx tx, String eventId, String type) throws SQLException {
        return Jdbc.update(tx.connection(), "INSERT INTO stripe_events (event_id, type) VALUES (?, ?) "
                + "ON CONFLICT (event_id) DO NOTHING", ps -> {
                    ps.setString(1, eventId);
                    ps.setString(2, type);
                }) == 1;
    }

    /** The transaction of a session, locked: by our id from the metadata, else by the session id. */
    public Transaction lockForSession(Tx tx, UUID transactionId, String sessionId) throws SQLException {
        Transaction t = null;
        if (transactionId != null) {
            t = Jdbc.one(tx.connection(), "SELECT " + COLUMNS + " FROM stripe_transactions WHERE id = ? FOR UPDATE",
                    ps -> ps.setObject(1, transactionId), PaymentsDao::row);
        }
        if (t == null && sessionId != null) {
            t = Jdbc.one(tx.connection(), "SELECT " + COLUMNS + " FROM stripe_transactions WHERE stripe_session_id = ? "
                    + "FOR UPDATE", ps -> ps.setString(1, sessionId), PaymentsDao::row);
        }
        return t;
    }

    public void complete(Tx tx, UUID id, String sessionId, String paymentIntent) throws SQLException {
        Jdbc.update(tx.connection(), "UPDATE stripe_transactions SET status = 'completed', completed_at = now(), "
                + "updated_at = now(), stripe_session_id = coalesce(stripe_session_id, ?), "
                + "stripe_payment_intent_id = coalesce(?, stripe_payment_intent_id) WHERE id = ?", ps -> {
                    ps.setString(1, sessionId);
                    ps.setString(2, paymentIntent);
                    ps.setObject(3, id);
                });
    }

    /** Moves a pending transaction to {@code status}; a completed (or refunded) one is never downgraded. */
    public void settleUnpaid(Tx tx, UUID id, String status) throws SQLException {
        Jdbc.update(tx.connection(), "UPDATE stripe_transactions SET status = ?, updated_at = now() "
                + "WHERE id = ? AND status = 'pending'", ps -> {
                    ps.setString(1, status);
                    ps.setObject(2, id);
                });
    }

    /** The credited transaction paid by this payment intent, locked; null when none of ours. */
    public Transaction lockByPaymentIntent(Tx tx, String paymentIntent) throws SQLException {
        return Jdbc.one(tx.connection(), "SELECT " + COLUMNS + " FROM stripe_transactions "
                + "WHERE stripe_payment_intent_id = ? AND status IN ('completed', 'refunded') FOR UPDATE",
                ps -> ps.setString(1, paymentIntent), PaymentsDao::row);
    }

    /**
     * Records a clawback (or, negative, a restore) and Stripe's cumulative refunds; the status follows:
     * refunded once everything was taken back, completed otherwise.
     */
    public void clawBack(Tx tx, UUID id, long deltaNanos, long refundedNanos) throws SQLException {
        Jdbc.update(tx.connection(), "UPDATE stripe_transactions SET clawed_back_nanos = clawed_back_nanos + ?, "
                + "refunded_nanos = greatest(refunded_nanos, ?), updated_at = now(), "
                + "status = CASE WHEN clawed_back_nanos + ? >= amount_nanos THEN 'refunded' ELSE 'completed' END "
                + "WHERE id = ?", ps -> {
                    ps.setLong(1, deltaNanos);
                    ps.setLong(2, refundedNanos);
                    ps.setLong(3, deltaNanos);
                    ps.setObject(4, id);
                });
    }

    public Transaction lock(Tx tx, UUID id) throws SQLException {
        return Jdbc.one(tx.connection(), "SELECT " + COLUMNS + " FROM stripe_transactions WHERE id = ? FOR UPDATE",
                ps -> ps.setObject(1, id), PaymentsDao::row);
    }

    public List<Transaction> list(String userId, String status, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM stripe_transactions WHERE true");
        List<String> params = new ArrayList<>();
        if (userId != null) {
            sql.append(" AND user_id = ?");
            params.add(userId);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            params.add(status);
        }
        sql.append(" ORDER BY created_at DESC, id LIMIT ").append(limit);
        return Jdbc.query(ds, sql.toString(), ps -> {
            for (int i = 0; i < params.size(); i++) {
                ps.setString(i + 1, params.get(i));
            }
        }, PaymentsDao::row);
    }

    private static Transaction row(java.sql.ResultSet rs) throws SQLException {
        return new Transaction(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "completed_at"), rs.getLong(10), rs.getLong(11));
    }
}
