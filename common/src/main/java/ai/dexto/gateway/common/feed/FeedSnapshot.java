package ai.dexto.gateway.common.feed;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /internal/feed/snapshot?node=<nodeId>}: the whole state, consistent as of {@code cursor}.
 * A reader then long-polls {@link FeedChanges} from that cursor. {@code activeNodes} is how many
 * gateway nodes read the feed in the last 60 s (at least 1, the asker): each enforces
 * {@code ceil(limit / activeNodes)} of every user's rate limit (TEAM contract 10).
 */
public record FeedSnapshot(
        @JsonProperty("cursor") long cursor,
        @JsonProperty("tiers") List<FeedTier> tiers,
        @JsonProperty("users") List<FeedUser> users,
        @JsonProperty("keys") List<FeedKey> keys,
        @JsonProperty("active_nodes") int activeNodes) {

    /** One node's view: {@code activeNodes} = 1. */
    public FeedSnapshot(long cursor, List<FeedTier> tiers, List<FeedUser> users, List<FeedKey> keys) {
        this(cursor, tiers, users, keys, 1);
    }

    public FeedSnapshot withActiveNodes(int nodes) {
        return new FeedSnapshot(cursor, tiers, users, keys, Math.max(1, nodes));
    }
}
