package ai.dexto.gateway.controlplane.payments;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.controlplane.daos.LedgerDao;
import ai.dexto.gateway.controlplane.daos.PaymentsDao;
import ai.dexto.gateway.controlplane.db.Transactions;
import ai.dexto.gateway.controlplane.db.Tx;
import ai.dexto.gateway.controlplane.errors.ApiException;
import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.exception.SignatureVerificationException;
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
 * records its id (a redelivery changes nothing); a paid session credits {@code amount_total} cents
 * with the session id as the ledger reference, so a session credits once even through two events.
 */
public final class WebhookProcessor {
    private static final Logger log = LoggerFactory.getLogger(WebhookProcessor.class);

    /** What happened to an event, for the answer and the logs. */
    public enum Outcome { CREDITED, UPDATED, DUPLICATE, IGNORED }

    public record Result(Outcome outcome, String userId) {
    }

    private final String secret;
    private final long toleranceSeconds;
    private final Transactions tx;
    private final PaymentsDao payments;
    private final LedgerDao ledger;

    public WebhookProcessor(String secret, long toleranceSeconds, Transactions tx, PaymentsDao payments,
                            LedgerDao ledger) {
        this.secret = secret;
        this.toleranceSeconds = toleranceSeconds;
        this.tx = tx;
        this.payments = payments;
        this.ledger = ledger;
    }

    public Event verify(String payload, String signature) {
        if (signature == null || signature.isBlank()) {
            throw ApiException.badRequest("missing_signature", "Stripe-Signature header is required");
        }
        try {
            return Webhook.constructEvent(payload, signature, secret, toleranceSeconds);
        } catch (SignatureVerificationException e) {
            throw ApiException.badRequest("invalid_signature", "Webhook signature verification failed");
        } catch (RuntimeException e) {
            // Gson's JsonSyntaxException and friends: the body is not an event
            throw ApiException.badRequest("invalid_payload", "Webhook body is not a Stripe event");
        }
    }

    public Result apply(Event event) {
        if (event.getId() == null || event.getType() == null) {
            throw ApiException.badRequest("invalid_payload", "Webhook body is not a Stripe event");
        }
        String type = event.getType();
        boolean handled = switch (type) {
            case "checkout.session.completed", "checkout.session.async_payment_succeeded",
                 "checkout.session.async_payment_failed", "checkout.session.expired" -> true;
            default -> false;
        };
        if (!handled) {
            return new Result(Outcome.IGNORED, null);
        }
        Session session = session(event);
        return tx.inTransaction(t -> {
            if (!payments.recordEvent(t, event.getId(), type)) {
                return new Result(Outcome.DUPLICATE, null);
            }
            return switch (type) {
                case "checkout.session.completed" -> "paid".equals(session.getPaymentStatus())
                        ? credit(t, session) : markPendingUnpaid(t, session);
                case "checkout.session.async_payment_succeeded" -> credit(t, session);
                case "checkout.session.async_payment_failed" -> settle(t, session, "failed");
                default -> settle(t, session, "expired");
            };
        });
    }

    private Result credit(Tx t, Session s) throws SQLException {
        String userId = userOf(s);
        Long cents = s.getAmountTotal();
        if (userId == null || cents == null || cents <= 0 || !"usd".equalsIgnoreCase(s.getCurrency())) {
            log.error("paid checkout session without a user, a positive amount or USD: ignored");
            return new Result(Outcome.IGNORED, null);
        }
        long amount = Money.ofCents(cents);
        PaymentsDao.Transaction existing = payments.lockForSession(t, transactionIdOf(s), s.getId());
        if (existing != null && !existing.userId().equals(userId)) {
            log.error("checkout session metadata names another user than its transaction: ignored");
            return new Result(Outcome.IGNORED, null);
        }
        if (!payments.userExists(t, userId)) {
            log.error("paid checkout session for an unknown user: ignored");
            return new Result(Outcome.IGNORED, null);
        }
        LedgerDao.Credit credit = ledger.credit(t, userId, amount, LedgerDao.Kind.TOPUP, "Stripe checkout", "stripe",
                s.getId());
        if (!credit.applied()) {
            return new Result(Outcome.DUPLICATE, userId); // this session was credited through another event
        }
        if (existing != null) {
            payments.complete(t, existing.id(), s.getId(), amount, s.getPaymentIntent());
        } else {
            payments.insertCompleted(t, UUID.randomUUID(), userId, amount, s.getId(), s.getPaymentIntent());
        }
        return new Result(Outcome.CREDITED, userId);
    }

    private Result markPendingUnpaid(Tx t, Session s) throws SQLException {
        // completed with a delayed payment method: money arrives with async_payment_succeeded
        PaymentsDao.Transaction existing = payments.lockForSession(t, transactionIdOf(s), s.getId());
        if (existing != null && existing.sessionId() == null) {
            payments.attachSession(t, existing.id(), s.getId());
        }
        return new Result(Outcome.UPDATED, userOf(s));
    }

    private Result settle(Tx t, Session s, String status) throws SQLException {
        PaymentsDao.Transaction existing = payments.lockForSession(t, transactionIdOf(s), s.getId());
        if (existing != null) {
            payments.settleUnpaid(t, existing.id(), status);
        }
        return new Result(Outcome.UPDATED, userOf(s));
    }

    private static Session session(Event event) {
        StripeObject object = event.getDataObjectDeserializer().getObject().orElse(null);
        if (object == null) {
            try {
                object = event.getDataObjectDeserializer().deserializeUnsafe();
            } catch (EventDataObjectDeserializationException e) {
                throw ApiException.badRequest("invalid_payload", "Webhook event data is not a checkout session");
            }
        }
        if (!(object instanceof Session s) || s.getId() == null) {
            throw ApiException.badRequest("invalid_payload", "Webhook event data is not a checkout session");
        }
        return s;
    }

    private static String userOf(Session s) {
        Map<String, String> metadata = s.getMetadata();
        String fromMetadata = metadata == null ? null : metadata.get("user_id");
        return fromMetadata != null ? fromMetadata : s.getClientReferenceId();
    }

    private static UUID transactionIdOf(Session s) {
        Map<String, String> metadata = s.getMetadata();
        String id = metadata == null ? null : metadata.get("transaction_id");
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
