package ai.dexto.gateway.dataplane.ratelimit;

/**
 * The outcome of a request's rate-limit checks (user, then global). Carries
 * what the {@code x-ratelimit-*} and {@code Retry-After} headers report.
 */
public final class RateLimitDecision {
    public boolean allowed;
    public boolean globalRefusal;
    public long limitPerMinute;
    public long remaining;
    public long resetMillis;
    public long retryAfterSeconds;

    void set(boolean allowed, long limit, long remaining, long resetNanos, long waitNanos) {
        this.allowed = allowed;
        this.limitPerMinute = limit;
        this.remaining = Math.max(0, remaining);
        this.resetMillis = (resetNanos + 999_999) / 1_000_000;
        this.retryAfterSeconds = allowed ? 0 : Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    }
}
