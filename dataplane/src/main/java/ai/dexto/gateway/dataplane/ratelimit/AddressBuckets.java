package ai.dexto.gateway.dataplane.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Duration;

/**
 * A token bucket per client address, for traffic that has no user to charge: refused or unknown
 * keys, cache misses that would ask the control plane, key validation, account calls. The table is
 * size-capped and forgets idle addresses, so spoofed variety costs memory only up to the cap.
 */
public final class AddressBuckets {
    private final long perMinute;
    private final long burst;
    private final Cache<InetAddress, TokenBucket> buckets;

    public AddressBuckets(long perMinute, long burst, long maxAddresses) {
        this.perMinute = perMinute;
        this.burst = burst;
        this.buckets = Caffeine.newBuilder().maximumSize(maxAddresses).expireAfterAccess(Duration.ofMinutes(10)).build();
    }

    /** Takes a token for {@code address}: 0 when taken, else the nanos until one is free. */
    public long acquire(InetAddress address, long nowNanos) {
        if (perMinute <= 0) {
            return 0;
        }
        long r = buckets.get(address, a -> new TokenBucket(perMinute, burst)).tryAcquire(nowNanos);
        return r >= 0 ? 0 : -r - 1;
    }

    public long size() {
        return buckets.estimatedSize();
    }

    /** Whole seconds for a {@code Retry-After} of {@code waitNanos} (at least 1). */
    public static long retryAfterSeconds(long waitNanos) {
        return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    }
}
