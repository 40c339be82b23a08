package ai.dexto.gateway.controlplane.payments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.controlplane.daos.PaymentsDao;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SessionMatchTest {
    static PaymentsDao.Transaction pending(String sessionId) {
        return new PaymentsDao.Transaction(UUID.randomUUID(), "u1", Money.ofUsd(25), "usd", "pending", sessionId,
                null, null, null, 0, 0);
    }

    static SessionMatch.Decision decide(String session, Long cents, String currency, String user, String bound) {
        return SessionMatch.decide(new SessionMatch.PaidSession(session, cents, currency, user), pending(bound));
    }

    @Test
    void onlyTheSoldAmountInTheSoldCurrencyForTheSameUserAndSessionCredits() {
        assertEquals(new SessionMatch.Credit(Money.ofUsd(25)), decide("cs_1", 2500L, "usd", "u1", "cs_1"));
        assertEquals(new SessionMatch.Credit(Money.ofUsd(25)), decide("cs_1", 2500L, "USD", null, null));
        assertInstanceOf(SessionMatch.Unmatched.class, decide("cs_1", 2501L, "usd", "u1", "cs_1"));
        assertInstanceOf(SessionMatch.Unmatched.class, decide("cs_1", 2499L, "usd", "u1", "cs_1"));
        assertInstanceOf(SessionMatch.Unmatched.class, decide("cs_1", 2500L, "eur", "u1", "cs_1"));
        assertInstanceOf(SessionMatch.Unmatched.class, decide("cs_1", 2500L, null, "u1", "cs_1"));
        assertInstanceOf(SessionMatch.Unmatched.class, decide("cs_1", null, "usd", "u1", "cs_1"));
        assertInstanceOf(SessionMatch.Unmatched.class, decide("cs_1", Long.MAX_VALUE, "usd", "u1", "cs_1"));
        assertInstanceOf(SessionMatch.Unmatched.class, decide("cs_1", -2500L, "usd", "u1", "cs_1"));
        assertInstanceOf(SessionMatch.Unmatched.class, decide("cs_1", 2500L, "usd", "u2", "cs_1"));
        assertInstanceOf(SessionMatch.Unmatched.class, decide("cs_2", 2500L, "usd", "u1", "cs_1"));
        assertInstanceOf(SessionMatch.Unmatched.class,
                SessionMatch.decide(new SessionMatch.PaidSession("cs_1", 2500L, "usd", "u1"), null));
    }

    @Test
    void aCreditedTransactionIsAlreadyCreditedAndAFailedOneNeverCredits() {
        PaymentsDao.Transaction done = new PaymentsDao.Transaction(UUID.randomUUID(), "u1", Money.ofUsd(25), "usd",
                "completed", "cs_1", "pi_1", null, null, 0, 0);
        assertInstanceOf(SessionMatch.AlreadyCredited.class,
                SessionMatch.decide(new SessionMatch.PaidSession("cs_1", 2500L, "usd", "u1"), done));
        PaymentsDao.Transaction failed = new PaymentsDao.Transaction(UUID.randomUUID(), "u1", Money.ofUsd(25), "usd",
                "failed", "cs_1", null, null, null, 0, 0);
        assertInstanceOf(SessionMatch.Unmatched.class,
                SessionMatch.decide(new SessionMatch.PaidSession("cs_1", 2500L, "usd", "u1"), failed));
    }
}
