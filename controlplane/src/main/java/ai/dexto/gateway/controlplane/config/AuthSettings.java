package ai.dexto.gateway.controlplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;

/** Secrets of the three callers: users (session JWTs), admins and the data plane (internal feed). */
public final class AuthSettings {
    /** HS256 secret of Supabase-style session JWTs ({@code DEXTO_JWT_SECRET}); at least 32 bytes. */
    @NotBlank @JsonProperty
    public String jwtSecret;
    @NotBlank @JsonProperty
    public String jwtAudience = "authenticated";
    /** Optional JWKS URL for ES256/RS256 session tokens (Supabase's asymmetric keys). */
    @JsonProperty
    public String jwksUrl = "";
    /** Required {@code iss} of session tokens ({@code <SUPABASE_URL>/auth/v1}); empty accepts any. */
    @JsonProperty
    public String jwtIssuer = "";
    @NotBlank @JsonProperty
    public String adminToken;
    @NotBlank @JsonProperty
    public String internalToken;
    /** Base64 of 32 bytes ({@code ENCRYPTION_KEY}): seals upstream keys. */
    @NotBlank @JsonProperty
    public String encryptionKey;
}
