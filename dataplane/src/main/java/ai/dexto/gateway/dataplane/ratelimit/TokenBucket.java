package ai.dexto.gateway.dataplane.ratelimit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free token bucket in its GCRA form: the whole state is one {@code long}, the theoretical
 * arrival time (TAT) of the next request, advanced by one emission interval per accepted request. A
 * request is refused when the TAT is more than the burst tolerance ahead of now. One CAS per request,
 * no allocation, no refill thread.
 */
public final class TokenBucket {
    private final AtomicLong tat = new AtomicLong(Long.MIN_VALUE);
    private final long requestsPerMinute;
    private final long burst;
    private final long intervalNanos;
    private final long toleranceNanos;

    public TokenBucket(long requestsPerMinute, long burst) {
        if (requestsPerMinute <= 0 || burst <= 0) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.requestsPerMinute = requestsPerMinute;
        this.burst = burst;
        this.intervalNanos = 60_000_000_000L / requestsPerMinute;
        this.toleranceNanos = (burst - 1) * intervalNanos;
    }

    public long requestsPerMinute() {
        return requestsPerMinute;
    }

    public long burst() {
        return burst;
    }

    /**
     * Takes one token at {@code nowNanos}.
     *
     * @return the tokens left (≥ 0) when accepted, else {@code -(nanos until a token is free) - 1}
     */
    public long tryAcquire(long nowNanos) {
        while (true) {
            long current = tat.get();
            long t = current == Long.MIN_VALUE || current - nowNanos < 0 ? nowNanos : current;
            long ahead = t - nowNanos;
            if (ahead > toleranceNanos) {
                return -(ahead - toleranceNanos) - 1;
            }
            long next = t + intervalNanos;
            if (tat.compareAndSet(current, next)) {
                return (toleranceNanos + intervalNanos - (next - nowNanos)) / intervalNanos;
            }
        }
    }

    /** Nanos until the bucket is full again. */
    public long resetNanos(long nowNanos) {
        long current = tat.get();
        if (current == Long.MIN_VALUE || current - nowNanos <= 0) {
            return 0;
        }
        return current - nowNanos;
    }
}
