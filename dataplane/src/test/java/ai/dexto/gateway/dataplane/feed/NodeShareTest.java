package ai.dexto.gateway.dataplane.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.common.feed.FeedChanges;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.FeedTier;
import ai.dexto.gateway.common.feed.FeedUser;
import ai.dexto.gateway.dataplane.GatewayConfig;
import ai.dexto.gateway.dataplane.account.Accounts;
import ai.dexto.gateway.dataplane.auth.KeyCache;
import ai.dexto.gateway.dataplane.ratelimit.RateLimiter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each node enforces its share of every user's limit: the feed says how many nodes share it. */
@Timeout(10)
class NodeShareTest {
    final Accounts accounts = new Accounts();
    final RateLimiter limiter = new RateLimiter(10_000, 1_000);
    final FeedApplier feed = new FeedApplier(accounts, new KeyCache(Duration.ofMinutes(1), 10), limiter,
            UpstreamKeyCipher.fromBase64(GatewayConfig.DEV_ENCRYPTION_KEY));
    final List<FeedTier> tiers = List.of(new FeedTier("free", 60, 10, false), new FeedTier("unlimited", 0, 0, true));

    @Test
    void twoNodesEachEnforceHalfOfEveryUsersBucketAndResizeWhenTheCountChanges() {
        feed.apply(new FeedSnapshot(1, tiers, List.of(new FeedUser("u", "free", 1, 0, null),
                new FeedUser("v", "unlimited", 1, 0, null)), List.of()).withActiveNodes(2));
        assertEquals(30, accounts.get("u").bucket().requestsPerMinute());
        assertEquals(5, accounts.get("u").bucket().burst());
        assertNull(accounts.get("v").bucket(), "unlimited stays unlimited");

        feed.apply(new FeedChanges(2, false, List.of(), List.of(), List.of()).withActiveNodes(3));
        assertEquals(20, accounts.get("u").bucket().requestsPerMinute());
        assertEquals(4, accounts.get("u").bucket().burst(), "rounded up: ceil(10 / 3)");

        feed.apply(new FeedChanges(3, false, List.of(), List.of(new FeedUser("w", "free", 1, 0, null)), List.of())
                .withActiveNodes(1));
        assertEquals(60, accounts.get("u").bucket().requestsPerMinute(), "alone again: the whole limit");
        assertEquals(60, accounts.get("w").bucket().requestsPerMinute());
    }
}
