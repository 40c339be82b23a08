package ai.dexto.gateway.controlplane.payments;

import ai.dexto.gateway.controlplane.daos.LedgerDao;
import ai.dexto.gateway.controlplane.daos.PaymentsDao;
import ai.dexto.gateway.controlplane.daos.UnmatchedPaymentDao;
import ai.dexto.gateway.controlplane.db.Transactions;
import ai.dexto.gateway.controlplane.db.Tx;
import ai.dexto.gateway.controlplane.errors.ApiException;
import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Charge;
import com.stripe.model.Dispute;
import com.stripe.model.Event;
import com.stripe.model.StripeObject;
import com.stripe.model.checkout.Session;
import com.stripe.net.Webhook;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies and applies Stripe webhook events. Each event is applied in one transaction that first
 * records its id (a redelivery changes nothing). A paid session credits only what we sold
 * ({@link SessionMatch}), with the session id as the ledger reference, so a session credits once even
 * through two events; anything else is recorded as unmatched. Refunds and disputes are {@link Clawbacks}.
 */
public final class WebhookProcessor {
    private static final Logger log = LoggerFactory.getLogger(WebhookProcessor.class);

    /** What happened to an event, for the answer and the logs. */
    public enum Outcome { CREDITED, DEBITED, RESTORED, UPDATED, UNMATCHED, DUPLICATE, IGNORED }

    public record Result(Outcome outcome, String userId) {
    }

    private final String secret;
    private final long toleranceSeconds;
    private final Transactions tx;
    private final PaymentsDao payments;
    private final LedgerDao ledger;
    private final UnmatchedPaymentDao unmatched;
    private final Clawbacks clawbacks;

    public WebhookProcessor(String secret, long toleranceSeconds, Transactions tx, PaymentsDao payments,
                            LedgerDao ledger, UnmatchedPaymentDao unmatched, Clawbacks clawbacks) {
        this.secret = secret;
        this.toleranceSeconds = toleranceSeconds;
        this.tx = tx;
        this.payments = payments;
        this.ledger = ledger;
        this.unmatched = unmatched;
        this.clawbacks = clawbacks;
    }

    /** The event, if {@code signature} signs {@code payload} with our secret within the tolerance; else 400. */
    public Event verify(String payload, String signature) {
        return verify(payload, signature, secret, toleranceSeconds);
    }

    static Event verify(String payload, String signature, String secret, long toleranceSeconds) {
        if (signature == null || signature.isBlank()) {
            throw ApiException.badRequest("missing_signature", "Stripe-Signature header is required");
        }
        Event event;
        try {
            event = Webhook.constructEvent(payload, signature, secret, toleranceSeconds);
        } catch (SignatureVerificationException e) {
            throw ApiException.badRequest("invalid_signature", "Webhook signature verification failed");
        } catch (RuntimeException e) {
            // Gson's JsonSyntaxException and friends: the body is not an event
            throw ApiException.badRequest("invalid_payload", "Webhook body is not a Stripe event");
        }
        if (event == null || event.getId() == null || event.getType() == null) {
            throw ApiException.badRequest("invalid_payload", "Webhook body is not a Stripe event");
        }
        return event;
    }

    public Result apply(Event event) {
        String type = event.getType();
        return switch (type) {
            case "checkout.session.completed", "checkout.session.async_payment_succeeded",
                 "checkout.session.async_payment_failed", "checkout.session.expired" -> {
                Session session = object(event, Session.class);
                yield once(event, t -> sessionEvent(t, event, session));
            }
            case "charge.refunded" -> {
                Charge charge = object(event, Charge.class);
                yield once(event, t -> clawbacks.refunded(t, event, charge));
            }
            case "charge.dispute.created", "charge.dispute.closed" -> {
                Dispute dispute = object(event, Dispute.class);
                yield once(event, t -> clawbacks.dispute(t, event, dispute, type.endsWith("closed")));
            }
            default -> new Result(Outcome.IGNORED, null);
        };
    }

    private interface EventWork {
        Result run(Tx t) throws SQLException;
    }

    private Result once(Event event, EventWork work) {
        return tx.inTransaction(t -> payments.recordEvent(t, event.getId(), event.getType())
                ? work.run(t) : new Result(Outcome.DUPLICATE, null));
    }

    private Result sessionEvent(Tx t, Event event, Session session) throws SQLException {
        return switch (event.getType()) {
            case "checkout.session.completed" -> "paid".equals(session.getPaymentStatus())
                    ? credit(t, event, session) : markPendingUnpaid(t, session);
            case "checkout.session.async_payment_succeeded" -> credit(t, event, session);
            case "checkout.session.async_payment_failed" -> settle(t, session, "failed");
            default -> settle(t, session, "expired");
        };
    }

    private Result credit(Tx t, Event event, Session s) throws SQLException {
        PaymentsDao.Transaction found = payments.lockForSession(t, transactionIdOf(s), s.getId());
        SessionMatch.PaidSession paid = new SessionMatch.PaidSession(s.getId(), s.getAmountTotal(), s.getCurrency(),
                userOf(s));
        SessionMatch.Decision decision = SessionMatch.decide(paid, found);
        if (decision instanceof SessionMatch.Unmatched u) {
            log.error("paid checkout session matches nothing we sold ({}): recorded, not credited", u.reason());
            unmatched.record(t, new UnmatchedPaymentDao.Unmatched(0, event.getId(), event.getType(), s.getId(),
                    s.getPaymentIntent(), paid.claimedUser(), s.getAmountTotal(), s.getCurrency(), u.reason(), null));
            return new Result(Outcome.UNMATCHED, null);
        }
        if (decision instanceof SessionMatch.AlreadyCredited) {
            return new Result(Outcome.DUPLICATE, found.userId());
        }
        long amount = ((SessionMatch.Credit) decision).amountNanos();
        LedgerDao.Credit credit = ledger.credit(t, found.userId(), amount, LedgerDao.Kind.TOPUP, "Stripe checkout",
                "stripe", s.getId());
        if (!credit.applied()) {
            return new Result(Outcome.DUPLICATE, found.userId()); // credited through another event about it
        }
        payments.complete(t, found.id(), s.getId(), s.getPaymentIntent());
        return new Result(Outcome.CREDITED, found.userId());
    }

    private Result markPendingUnpaid(Tx t, Session s) throws SQLException {
        // completed with a delayed payment method: money arrives with async_payment_succeeded
        PaymentsDao.Transaction existing = payments.lockForSession(t, transactionIdOf(s), s.getId());
        if (existing != null && existing.sessionId() == null) {
            payments.attachSession(t, existing.id(), s.getId());
        }
        return new Result(Outcome.UPDATED, existing == null ? null : existing.userId());
    }

    private Result settle(Tx t, Session s, String status) throws SQLException {
        PaymentsDao.Transaction existing = payments.lockForSession(t, transactionIdOf(s), s.getId());
        if (existing != null && (existing.sessionId() == null || existing.sessionId().equals(s.getId()))) {
            payments.settleUnpaid(t, existing.id(), status);
        }
        return new Result(Outcome.UPDATED, existing == null ? null : existing.userId());
    }

    static <T extends StripeObject> T object(Event event, Class<T> type) {
        StripeObject object;
        try {
            // the SDK throws (NullPointerException and more) on events without an api_version or data: fuzzed
            object = event.getDataObjectDeserializer().getObject().orElse(null);
            if (object == null) {
                object = event.getDataObjectDeserializer().deserializeUnsafe();
            }
        } catch (EventDataObjectDeserializationException | RuntimeException e) {
            throw ApiException.badRequest("invalid_payload", "Webhook event data does not fit its type");
        }
        if (!type.isInstance(object)) {
            throw ApiException.badRequest("invalid_payload", "Webhook event data does not fit its type");
        }
        T typed = type.cast(object);
        if (idOf(typed) == null) {
            throw ApiException.badRequest("invalid_payload", "Webhook event data has no id");
        }
        return typed;
    }

    private static String idOf(StripeObject o) {
        if (o instanceof Session s) {
            return s.getId();
        }
        if (o instanceof Charge c) {
            return c.getId();
        }
        return o instanceof Dispute d ? d.getId() : null;
    }

    static String userOf(Session s) {
        Map<String, String> metadata = s.getMetadata();
        String fromMetadata = metadata == null ? null : metadata.get("user_id");
        return fromMetadata != null ? fromMetadata : s.getClientReferenceId();
    }

    static UUID transactionIdOf(Session s) {
        Map<String, String> metadata = s.getMetadata();
        String id = metadata == null ? null : metadata.get("transaction_id");
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
