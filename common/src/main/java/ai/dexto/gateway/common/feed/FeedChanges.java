package ai.dexto.gateway.common.feed;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /internal/feed/changes?node=<nodeId>&since=<cursor>&wait=<seconds>}: the current state of
 * every user and key changed after {@code since}, up to {@code cursor}. Answers at once when something
 * changed, else after up to {@code wait} seconds (max 30) with empty lists and the same cursor.
 * {@code resnapshot} true means the cursor is too old: fetch a new snapshot.
 * {@code tiers} is non-empty only when tier configuration changed. {@code activeNodes}: as in
 * {@link FeedSnapshot}, current as of this answer.
 */
public record FeedChanges(
        @JsonProperty("cursor") long cursor,
        @JsonProperty("resnapshot") boolean resnapshot,
        @JsonProperty("tiers") List<FeedTier> tiers,
        @JsonProperty("users") List<FeedUser> users,
        @JsonProperty("keys") List<FeedKey> keys,
        @JsonProperty("active_nodes") int activeNodes) {

    /** One node's view: {@code activeNodes} = 1. */
    public FeedChanges(long cursor, boolean resnapshot, List<FeedTier> tiers, List<FeedUser> users,
                       List<FeedKey> keys) {
        this(cursor, resnapshot, tiers, users, keys, 1);
    }

    public FeedChanges withActiveNodes(int nodes) {
        return new FeedChanges(cursor, resnapshot, tiers, users, keys, Math.max(1, nodes));
    }
}
