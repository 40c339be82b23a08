package ai.dexto.gateway.common.feed;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A rate-limit tier. {@code requestsPerMinute} is the refill rate and {@code burst} the bucket size;
 * {@code unlimited} tiers skip the per-user bucket (benchmarks, internal use).
 */
public record FeedTier(
        @JsonProperty("name") String name,
        @JsonProperty("requests_per_minute") long requestsPerMinute,
        @JsonProperty("burst") long burst,
        @JsonProperty("unlimited") boolean unlimited) {
}
