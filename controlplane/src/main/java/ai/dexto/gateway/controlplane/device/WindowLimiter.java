package ai.dexto.gateway.controlplane.device;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * At most {@code limit} events per key per fixed minute window, in memory. Per control-plane node:
 * enough to make guessing user codes or flooding starts pointless; the windows of idle keys are
 * dropped as they are replaced, and the map is cleared when it grows past a bound.
 */
final class WindowLimiter {
    private static final int MAX_KEYS = 100_000;

    private record Window(long minute, int count) {
    }

    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();
    private final int limit;
    private final Clock clock;

    WindowLimiter(int limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    /** Counts one event; false when the key is over its limit for this minute. */
    boolean tryAcquire(String key) {
        long minute = clock.millis() / 60_000;
        if (windows.size() > MAX_KEYS) {
            windows.clear();
        }
        Window w = windows.compute(key, (k, old) -> old == null || old.minute != minute
                ? new Window(minute, 1) : new Window(minute, old.count + 1));
        return w.count <= limit;
    }

    /** Seconds until the current window ends (a Retry-After). */
    long secondsToNextWindow() {
        return 60 - (clock.millis() / 1000) % 60;
    }
}
