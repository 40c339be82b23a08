package ai.dexto.gateway.common.feed;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An API key as the data plane needs it. {@code keyHash} is the lowercase hex SHA-256 of the key;
 * the plaintext never leaves the control plane. {@code status} is {@code active} or {@code revoked}.
 *
 * <p>{@code version} is the feed cursor of the key row's last change (0 from a control plane that
 * predates versions). A gateway ignores a key whose version is lower than the one it holds, so a slow
 * cache-miss lookup answered before a revocation can never undo the revocation the feed delivered.
 */
public record FeedKey(
        @JsonProperty("key_hash") String keyHash,
        @JsonProperty("key_id") long keyId,
        @JsonProperty("user_id") String userId,
        @JsonProperty("status") String status,
        @JsonProperty("version") long version) {

    public static final String ACTIVE = "active";
    public static final String REVOKED = "revoked";

    /** A key without a version (tests and tools that build feeds by hand). */
    public FeedKey(String keyHash, long keyId, String userId, String status) {
        this(keyHash, keyId, userId, status, 0);
    }

    public boolean isActive() {
        return ACTIVE.equals(status);
    }

    /** Whether this state may replace {@code held}: never an older version over a newer one. */
    public boolean supersedes(FeedKey held) {
        return held == null || version >= held.version;
    }
}
