package ai.dexto.gateway.dataplane.relay;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * One circuit breaker per upstream route (the model id), so a failing model or provider cannot
 * turn the whole upstream off. A breaker counts only the upstream's own failures (connect errors,
 * resets, timeouts, 5xx — never 4xx or a client leaving), and opens only when the consecutive
 * failures come from at least {@code minUsers} different users: one user's requests that all fail
 * (a broken routing option, a generation slower than the timeout) open nothing for anyone else.
 * Open, it fails requests fast with 503 for {@code openNanos}, then lets one probe through
 * (half-open); the probe's success closes it, its failure opens it again.
 */
public final class CircuitBreakers {
    private final int threshold;
    private final int minUsers;
    private final long openNanos;
    private final ConcurrentHashMap<String, CircuitBreaker> byRoute = new ConcurrentHashMap<>();

    public CircuitBreakers(int threshold, int minUsers, long openNanos) {
        this.threshold = threshold;
        this.minUsers = minUsers;
        this.openNanos = openNanos;
    }

    public CircuitBreaker forRoute(String route) {
        CircuitBreaker b = byRoute.get(route);
        if (b != null) {
            return b;
        }
        if (byRoute.size() >= 10_000) {
            // routes come from the model list; this bound only guards against a runaway label set
            return byRoute.computeIfAbsent("other", r -> new CircuitBreaker(threshold, minUsers, openNanos));
        }
        return byRoute.computeIfAbsent(route, r -> new CircuitBreaker(threshold, minUsers, openNanos));
    }

    /** Each route's state, for the metric: (route, open). */
    public void forEach(BiConsumer<String, Boolean> sink) {
        byRoute.forEach((route, b) -> sink.accept(route, b.isOpen()));
    }

    public boolean anyOpen() {
        for (CircuitBreaker b : byRoute.values()) {
            if (b.isOpen()) {
                return true;
            }
        }
        return false;
    }
}
