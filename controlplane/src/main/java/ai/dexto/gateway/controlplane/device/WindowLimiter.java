package ai.dexto.gateway.controlplane.device;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * At most {@code limit} events per key in a minute that starts at the key's first event, in memory.
 * Per control-plane node: enough to make guessing user codes or flooding starts pointless. A key's
 * minute starts with its own first event rather than on the clock's minute, so a burst is counted the
 * same whenever it comes and the Retry-After is the key's own. Windows of idle keys are replaced when
 * the key comes back, and the map is cleared when it grows past a bound.
 */
final class WindowLimiter {
    static final long WINDOW_MILLIS = 60_000;
    private static final int MAX_KEYS = 100_000;

    private record Window(long startMillis, int count) {
    }

    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();
    private final int limit;
    private final Clock clock;

    WindowLimiter(int limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    /** Counts one event; false when the key is over its limit for its current minute. */
    boolean tryAcquire(String key) {
        long now = clock.millis();
        if (windows.size() > MAX_KEYS) {
            windows.clear();
        }
        Window w = windows.compute(key, (k, old) -> old == null || now - old.startMillis >= WINDOW_MILLIS
                ? new Window(now, 1) : new Window(old.startMillis, old.count + 1));
        return w.count <= limit;
    }

    /** Whole seconds until the key's minute ends (a Retry-After), at least 1. */
    long secondsUntilReset(String key) {
        Window w = windows.get(key);
        long left = w == null ? 0 : w.startMillis + WINDOW_MILLIS - clock.millis();
        return Math.max(1, (left + 999) / 1000);
    }
}
