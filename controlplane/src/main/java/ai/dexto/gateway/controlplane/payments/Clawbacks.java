package ai.dexto.gateway.controlplane.payments;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.controlplane.daos.DisputeDao;
import ai.dexto.gateway.controlplane.daos.LedgerDao;
import ai.dexto.gateway.controlplane.daos.PaymentsDao;
import ai.dexto.gateway.controlplane.daos.UnmatchedPaymentDao;
import ai.dexto.gateway.controlplane.db.Tx;
import ai.dexto.gateway.controlplane.errors.ApiException;
import ai.dexto.gateway.controlplane.payments.WebhookProcessor.Outcome;
import ai.dexto.gateway.controlplane.payments.WebhookProcessor.Result;
import com.stripe.model.Charge;
import com.stripe.model.Dispute;
import com.stripe.model.Event;
import java.sql.SQLException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refunds and disputes done in Stripe take the credit back through the credit ledger, once, in any
 * delivery order. Each is computed from the object's own state, not from the event's place in a
 * sequence: a refund debits Stripe's cumulative {@code amount_refunded} minus what earlier refund
 * events already took; a dispute debits once (reference {@code stripe-dispute:<id>}) whether
 * {@code created} or a lost {@code closed} comes first, and a won dispute gives back what it took.
 * Nothing ever takes back more than the transaction credited. An event about a payment we have not
 * recorded yet is refused (409) without being recorded, so Stripe's retry applies it after the
 * checkout event; one about a payment we recorded as unmatched is recorded as unmatched too.
 */
public final class Clawbacks {
    private static final Logger log = LoggerFactory.getLogger(Clawbacks.class);

    private final PaymentsDao payments;
    private final DisputeDao disputes;
    private final LedgerDao ledger;
    private final UnmatchedPaymentDao unmatched;

    public Clawbacks(PaymentsDao payments, DisputeDao disputes, LedgerDao ledger, UnmatchedPaymentDao unmatched) {
        this.payments = payments;
        this.disputes = disputes;
        this.ledger = ledger;
        this.unmatched = unmatched;
    }

    Result refunded(Tx t, Event event, Charge charge) throws SQLException {
        PaymentsDao.Transaction paid = ours(t, event, charge.getId(), charge.getPaymentIntent(),
                charge.getAmountRefunded(), charge.getCurrency());
        if (paid == null) {
            return new Result(Outcome.UNMATCHED, null);
        }
        long cumulative = cents(charge.getAmountRefunded());
        long wanted = cumulative - paid.refundedNanos();
        if (wanted <= 0) {
            return new Result(Outcome.DUPLICATE, paid.userId()); // an older or repeated view of the refunds
        }
        long debit = Math.min(wanted, paid.amountNanos() - paid.clawedBackNanos());
        if (debit > 0) {
            ledger.credit(t, paid.userId(), -debit, LedgerDao.Kind.REFUND, "Stripe refund", "stripe",
                    "stripe-refund:" + charge.getId() + ":" + charge.getAmountRefunded());
        }
        payments.clawBack(t, paid.id(), debit, cumulative);
        return new Result(Outcome.DEBITED, paid.userId());
    }

    Result dispute(Tx t, Event event, Dispute dispute, boolean closed) throws SQLException {
        PaymentsDao.Transaction paid = ours(t, event, dispute.getId(), dispute.getPaymentIntent(),
                dispute.getAmount(), dispute.getCurrency());
        if (paid == null) {
            return new Result(Outcome.UNMATCHED, null);
        }
        String status = dispute.getStatus() == null ? "" : dispute.getStatus();
        DisputeDao.Dispute row = disputes.lockOrCreate(t, dispute.getId(), paid.id(), status);
        if (status.startsWith("warning_")) {
            // an inquiry: Stripe withdraws no funds, so neither do we
            disputes.update(t, row.id(), status, row.debitedNanos(), row.restored());
            return new Result(Outcome.UPDATED, paid.userId());
        }
        long debited = row.debitedNanos();
        boolean restored = row.restored();
        Outcome outcome = Outcome.DUPLICATE;
        if (closed && "won".equals(status)) {
            if (!restored && debited > 0) {
                ledger.credit(t, paid.userId(), debited, LedgerDao.Kind.CHARGEBACK, "Stripe dispute won", "stripe",
                        "stripe-dispute-won:" + dispute.getId());
                payments.clawBack(t, paid.id(), -debited, paid.refundedNanos());
                outcome = Outcome.RESTORED;
            }
            restored = true; // a dispute won before we saw it open never takes anything
        } else if (!restored && debited == 0) {
            debited = Math.min(cents(dispute.getAmount()), paid.amountNanos() - paid.clawedBackNanos());
            if (debited > 0) {
                ledger.credit(t, paid.userId(), -debited, LedgerDao.Kind.CHARGEBACK, "Stripe dispute", "stripe",
                        "stripe-dispute:" + dispute.getId());
                payments.clawBack(t, paid.id(), debited, paid.refundedNanos());
                outcome = Outcome.DEBITED;
            }
        }
        disputes.update(t, row.id(), status, debited, restored);
        return new Result(outcome, paid.userId());
    }

    /** Our credited transaction for the payment intent; null (recorded) when it matches nothing we sold. */
    private PaymentsDao.Transaction ours(Tx t, Event event, String objectId, String paymentIntent, Long amountCents,
                                         String currency) throws SQLException {
        PaymentsDao.Transaction paid = paymentIntent == null ? null : payments.lockByPaymentIntent(t, paymentIntent);
        String reason = null;
        if (paid == null) {
            if (!unmatched.knows(t, paymentIntent)) {
                throw new ApiException(409, "invalid_request_error", "unknown_payment",
                        "No credited payment for this charge yet; retry later");
            }
            reason = "a " + event.getType() + " of a payment we did not credit";
        } else if (currency == null || !currency.toLowerCase(Locale.ROOT).equals(paid.currency())) {
            reason = "currency " + currency + ", sold in " + paid.currency();
        } else if (amountCents == null || amountCents < 0 || amountCents > Long.MAX_VALUE / 10_000_000L) {
            reason = "amount " + amountCents + " cents";
        }
        if (reason == null) {
            return paid;
        }
        log.error("Stripe {} matches nothing we sold ({}): recorded, nothing debited", event.getType(), reason);
        unmatched.record(t, new UnmatchedPaymentDao.Unmatched(0, event.getId(), event.getType(), objectId,
                paymentIntent, paid == null ? null : paid.userId(), amountCents, currency, reason, null));
        return null;
    }

    private static long cents(Long cents) {
        return Money.ofCents(cents == null ? 0 : cents);
    }
}
