package ai.dexto.gateway.common.feed;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An API key as the data plane needs it. {@code keyHash} is the lowercase hex SHA-256 of the key;
 * the plaintext never leaves the control plane. {@code status} is {@code active} or {@code revoked}.
 */
public record FeedKey(
        @JsonProperty("key_hash") String keyHash,
        @JsonProperty("key_id") long keyId,
        @JsonProperty("user_id") String userId,
        @JsonProperty("status") String status) {

    public static final String ACTIVE = "active";
    public static final String REVOKED = "revoked";

    public boolean isActive() {
        return ACTIVE.equals(status);
    }
}
