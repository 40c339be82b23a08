package ai.dexto.gateway.dataplane.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TokenBucketTest {
    static final long SECOND = 1_000_000_000L;

    @Test
    void burstIsServedThenRefusedUntilRefill() {
        TokenBucket b = new TokenBucket(60, 10);
        long now = 123 * SECOND;
        for (int i = 0; i < 10; i++) {
            assertEquals(9 - i, b.tryAcquire(now));
        }
        long refused = b.tryAcquire(now);
        assertTrue(refused < 0);
        assertEquals(SECOND, -refused - 1, "one token per second at 60/min");
        assertEquals(0, b.tryAcquire(now + SECOND));
        assertEquals(10 * SECOND, b.resetNanos(now + SECOND) + SECOND - SECOND, "full again ten seconds on");
    }

    @Test
    void negativeClockValuesWork() {
        TokenBucket b = new TokenBucket(600, 1);
        assertEquals(0, b.tryAcquire(-5 * SECOND));
        assertTrue(b.tryAcquire(-5 * SECOND) < 0);
        assertEquals(0, b.tryAcquire(-5 * SECOND + SECOND / 10));
    }

    @Test
    void contendedBucketNeverGrantsMoreThanItsBurst() throws Exception {
        TokenBucket b = new TokenBucket(1, 100);
        AtomicInteger granted = new AtomicInteger();
        long now = System.nanoTime();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    if (b.tryAcquire(now) >= 0) {
                        granted.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(100, granted.get());
    }
}
