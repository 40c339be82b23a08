package ai.dexto.gateway.dataplane.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class UserAccountTest {
    @Test
    void racingReservationsNeverExceedTheBalance() throws Exception {
        UserAccount a = new UserAccount("u");
        a.applyFeed(100_000, 0, "paid", null, null, null);
        AtomicLong reserved = new AtomicLong();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    if (a.tryReserve(7) != Long.MIN_VALUE) {
                        reserved.addAndGet(7);
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(reserved.get() <= 100_000);
        assertEquals(100_000 - reserved.get(), a.spendable());
        assertTrue(a.spendable() < 7);
    }

    @Test
    void spendStaysCountedUntilTheFeedReportsItApplied() {
        UserAccount a = new UserAccount("u");
        a.applyFeed(1000, 0, "paid", null, null, null);
        assertEquals(800, a.tryReserve(200));
        a.settle(200, 50, 1);
        assertEquals(950, a.spendable());
        a.settle(0, 30, 2);
        assertEquals(920, a.spendable());
        // The control plane applied sequence 1: its balance now includes the 50.
        a.applyFeed(950, 1, "paid", null, null, null);
        assertEquals(920, a.spendable());
        a.applyFeed(920, 2, "paid", null, null, null);
        assertEquals(920, a.spendable());
        assertEquals(0, a.committed());
    }

    @Test
    void refusedReservationLeavesNothingBehind() {
        UserAccount a = new UserAccount("u");
        a.applyFeed(100, 0, "free", null, null, null);
        assertEquals(Long.MIN_VALUE, a.tryReserve(101));
        assertEquals(0, a.tryReserve(100));
        a.release(100);
        assertEquals(100, a.spendable());
    }

    @Test
    void upstreamKeyOpensOnFirstUseOnceAndAgainAfterRotation() {
        AtomicLong opened = new AtomicLong();
        UserAccount.KeyOpener opener = (user, sealed) -> {
            opened.incrementAndGet();
            return sealed.equals("bad") ? null : "plain-" + sealed;
        };
        UserAccount a = new UserAccount("u");
        a.applyFeed(100, 0, "free", null, "c1", opener);
        assertEquals(0, opened.get(), "nothing opened until the key is used");
        assertEquals("plain-c1", a.upstreamKey());
        assertEquals("plain-c1", a.upstreamKey());
        a.applyFeed(100, 0, "free", null, "c1", opener);
        assertEquals("plain-c1", a.upstreamKey());
        assertEquals(1, opened.get(), "the same ciphertext is opened once");

        a.applyFeed(100, 0, "free", null, "c2", opener);
        assertEquals("plain-c2", a.upstreamKey());
        a.applyFeed(100, 0, "free", null, "bad", opener);
        assertNull(a.upstreamKey());
        assertNull(a.upstreamKey());
        assertEquals(3, opened.get(), "a key that does not open is tried once");
        a.applyFeed(100, 0, "free", null, null, opener);
        assertNull(a.upstreamKey());
    }
}
