package ai.dexto.gateway.controlplane.payments;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.controlplane.daos.PaymentsDao;
import java.util.Locale;

/**
 * Whether a paid Checkout Session is one we sold: the pending transaction it names (by our id in its
 * metadata, or by its session id), for the same user, the same amount in cents and the same currency.
 * Pure, so the fuzz tests can drive it with any session; {@link WebhookProcessor} does the I/O.
 */
final class SessionMatch {
    /** The facts of a paid session that matter here; any of them may be missing in a hostile event. */
    record PaidSession(String sessionId, Long amountCents, String currency, String claimedUser) {
    }

    sealed interface Decision permits Credit, AlreadyCredited, Unmatched {
    }

    /** Credit exactly what we sold. */
    record Credit(long amountNanos) implements Decision {
    }

    /** This session was credited before (through another event about it). */
    record AlreadyCredited() implements Decision {
    }

    record Unmatched(String reason) implements Decision {
    }

    private SessionMatch() {
    }

    static Decision decide(PaidSession s, PaymentsDao.Transaction t) {
        if (t == null) {
            return new Unmatched("no transaction of ours for this session");
        }
        if (t.sessionId() != null && !t.sessionId().equals(s.sessionId())) {
            return new Unmatched("the transaction belongs to another session");
        }
        if (s.claimedUser() != null && !s.claimedUser().equals(t.userId())) {
            return new Unmatched("the session names another user than its transaction");
        }
        if (("completed".equals(t.status()) || "refunded".equals(t.status())) && t.sessionId() != null) {
            return new AlreadyCredited();
        }
        if (!"pending".equals(t.status())) {
            return new Unmatched("the transaction is " + t.status());
        }
        if (s.currency() == null || !s.currency().toLowerCase(Locale.ROOT).equals(t.currency())) {
            return new Unmatched("currency " + s.currency() + ", sold in " + t.currency());
        }
        if (s.amountCents() == null || s.amountCents() <= 0 || s.amountCents() > Long.MAX_VALUE / 10_000_000L
                || Money.ofCents(s.amountCents()) != t.amountNanos()) {
            return new Unmatched("amount " + s.amountCents() + " cents, sold " + Money.format(t.amountNanos()) + " USD");
        }
        return new Credit(t.amountNanos());
    }
}
