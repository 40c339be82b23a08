package ai.dexto.gateway.controlplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;

/** The OpenRouter-compatible upstream whose provisioning API mints one key per user. */
public final class UpstreamSettings {
    /** Base URL including {@code /api/v1} ({@code DEXTO_UPSTREAM_URL}). */
    @NotBlank @JsonProperty
    public String url;
    /** {@code OPENROUTER_PROVISIONING_KEY}. */
    @NotBlank @JsonProperty
    public String provisioningKey;
    /** The limit a new upstream key starts with; raised to the user's lifetime credits when larger. */
    @NotBlank @JsonProperty
    public String keyLimitUsd = "10";
    @JsonProperty
    public long timeoutMillis = 10_000;
}
