package ai.dexto.gateway.controlplane.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.controlplane.support.ManualClock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WindowLimiterTest {
    private final ManualClock clock = new ManualClock();
    private final WindowLimiter limiter = new WindowLimiter(3, clock);

    @Test
    void aKeysMinuteStartsAtItsFirstEventNotOnTheClocksMinute() {
        clock.millis = 59_900; // 100 ms before the clock's minute turns
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.tryAcquire("a"));
        }
        clock.millis = 60_100; // the clock's minute turned; the key's has not
        assertFalse(limiter.tryAcquire("a"), "a burst across the clock's minute is still one burst");
        assertEquals(60, limiter.secondsUntilReset("a"));
        clock.millis = 59_900 + WindowLimiter.WINDOW_MILLIS - 1;
        assertFalse(limiter.tryAcquire("a"));
        assertEquals(1, limiter.secondsUntilReset("a"));
        clock.millis = 59_900 + WindowLimiter.WINDOW_MILLIS;
        assertTrue(limiter.tryAcquire("a"), "a new minute from the next event on");
    }

    @Test
    void keysAreCountedApart() {
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.tryAcquire("a"));
        }
        assertFalse(limiter.tryAcquire("a"));
        assertTrue(limiter.tryAcquire("b"));
        assertEquals(1, limiter.secondsUntilReset("unknown"), "a key never seen may retry at once");
    }
}
