package ai.dexto.gateway.dataplane.relay;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-upstream circuit breaker: after {@code threshold} consecutive failures (connect errors, resets,
 * timeouts, 5xx) it opens and requests fail fast with 503; after {@code openNanos} one probe is let
 * through (half-open); its success closes the circuit, its failure opens it again.
 */
public final class CircuitBreaker {
    private final int threshold;
    private final long openNanos;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicLong openedAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong probeAt = new AtomicLong(Long.MIN_VALUE);

    public CircuitBreaker(int threshold, long openNanos) {
        this.threshold = threshold;
        this.openNanos = openNanos;
    }

    public boolean allowRequest(long now) {
        long opened = openedAt.get();
        if (opened == Long.MIN_VALUE) {
            return true;
        }
        if (now - opened < openNanos) {
            return false;
        }
        long probe = probeAt.get();
        boolean probeFree = probe == Long.MIN_VALUE || now - probe > openNanos;
        return probeFree && probeAt.compareAndSet(probe, now);
    }

    public void onSuccess() {
        failures.set(0);
        openedAt.set(Long.MIN_VALUE);
        probeAt.set(Long.MIN_VALUE);
    }

    public void onFailure(long now) {
        if (openedAt.get() != Long.MIN_VALUE) {
            openedAt.set(now);
            probeAt.set(Long.MIN_VALUE);
            return;
        }
        if (failures.incrementAndGet() >= threshold) {
            openedAt.set(now);
        }
    }

    public boolean isOpen() {
        return openedAt.get() != Long.MIN_VALUE;
    }
}
