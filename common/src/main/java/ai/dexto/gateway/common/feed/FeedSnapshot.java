package ai.dexto.gateway.common.feed;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /internal/feed/snapshot?node=<nodeId>}: the whole state, consistent as of {@code cursor}.
 * A reader then long-polls {@link FeedChanges} from that cursor.
 */
public record FeedSnapshot(
        @JsonProperty("cursor") long cursor,
        @JsonProperty("tiers") List<FeedTier> tiers,
        @JsonProperty("users") List<FeedUser> users,
        @JsonProperty("keys") List<FeedKey> keys) {
}
