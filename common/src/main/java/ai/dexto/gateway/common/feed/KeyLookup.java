package ai.dexto.gateway.common.feed;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code GET /internal/keys/<keyHash>?node=<nodeId>}: the data plane's one question on a cache miss.
 * 200 with this record when the key exists (active or revoked), 404 otherwise.
 */
public record KeyLookup(
        @JsonProperty("key") FeedKey key,
        @JsonProperty("user") FeedUser user) {
}
