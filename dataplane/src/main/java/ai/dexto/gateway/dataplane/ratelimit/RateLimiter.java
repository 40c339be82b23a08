package ai.dexto.gateway.dataplane.ratelimit;

import ai.dexto.gateway.common.feed.FeedTier;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One bucket per user sized by the user's tier, then one global bucket that protects the node sized by the user's tier (from
 * the feed). Unlimited tiers skip the per-user bucket. Tier definitions default to the design's
 * {@code free} 60/min burst 10, {@code paid} 600/min burst 100, {@code unlimited}.
 */
public final class RateLimiter {
    private final TokenBucket global;
    private final Map<String, FeedTier> tiers = new ConcurrentHashMap<>();
    /** Gateway nodes sharing each user's limit (the feed says how many poll it); this node enforces its share. */
    private volatile int nodes = 1;

    public RateLimiter(long globalPerMinute, long globalBurst) {
        this.global = new TokenBucket(globalPerMinute, globalBurst);
        tiers.put("free", new FeedTier("free", 60, 10, false));
        tiers.put("paid", new FeedTier("paid", 600, 100, false));
        tiers.put("unlimited", new FeedTier("unlimited", 0, 0, true));
    }

    public void replaceTiers(List<FeedTier> fresh) {
        if (fresh == null) {
            return;
        }
        for (FeedTier t : fresh) {
            tiers.put(t.name(), t);
        }
    }

    /** The tier by name; an unknown name gets the free tier's limits, the safe side. */
    public FeedTier tier(String name) {
        FeedTier t = name == null ? null : tiers.get(name);
        return t != null ? t : tiers.get("free");
    }

    /**
     * A fresh bucket for a tier: this node's share of it, {@code ceil(limit / nodes)} of the rate and
     * the burst; null when the tier is unlimited.
     */
    public TokenBucket bucketFor(FeedTier tier) {
        if (tier.unlimited() || tier.requestsPerMinute() <= 0) {
            return null;
        }
        int n = nodes;
        return new TokenBucket(ceilDiv(tier.requestsPerMinute(), n), Math.max(1, ceilDiv(Math.max(1, tier.burst()), n)));
    }

    /** How many nodes share the limits now; true when that changed (users' buckets must be resized). */
    public boolean shareAmong(int activeNodes) {
        int n = Math.max(1, activeNodes);
        if (n == nodes) {
            return false;
        }
        nodes = n;
        return true;
    }

    public int nodes() {
        return nodes;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /**
     * Takes a token from the node's global bucket. The decision reports the global figures when they
     * refuse, or when the user's bucket (unlimited tier) did not fill it.
     */
    public boolean acquireGlobal(long nowNanos, RateLimitDecision out) {
        long r = global.tryAcquire(nowNanos);
        out.globalRefusal = r < 0;
        if (r < 0 || out.limitPerMinute == 0) {
            out.set(r >= 0, global.requestsPerMinute(), r, global.resetNanos(nowNanos), r < 0 ? -r - 1 : 0);
        }
        return r >= 0;
    }

    /** Takes a token from the user's bucket (null: unlimited, nothing changes). */
    public boolean acquireUser(TokenBucket bucket, long nowNanos, RateLimitDecision out) {
        if (bucket == null) {
            return true;
        }
        long r = bucket.tryAcquire(nowNanos);
        out.globalRefusal = false;
        out.set(r >= 0, bucket.requestsPerMinute(), r, bucket.resetNanos(nowNanos), r < 0 ? -r - 1 : 0);
        return r >= 0;
    }
}
