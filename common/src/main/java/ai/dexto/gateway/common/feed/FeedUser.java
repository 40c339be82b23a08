package ai.dexto.gateway.common.feed;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A user's money and limits as the control plane knows them, for one data-plane node.
 *
 * <p>{@code balanceNanos} already includes every usage event of the asking node up to
 * {@code appliedSequence} (its {@code UsageEvent.nodeSequence}); the node adds its own later spend and
 * open reservations on top, so its spendable view is never above the truth.
 * {@code upstreamKeyCiphertext} is the user's upstream key sealed with {@code UpstreamKeyCipher}
 * (base64); null when the user has none yet.
 */
public record FeedUser(
        @JsonProperty("user_id") String userId,
        @JsonProperty("tier") String tier,
        @JsonProperty("balance_nanos") long balanceNanos,
        @JsonProperty("applied_sequence") long appliedSequence,
        @JsonProperty("upstream_key_ciphertext") String upstreamKeyCiphertext) {
}
