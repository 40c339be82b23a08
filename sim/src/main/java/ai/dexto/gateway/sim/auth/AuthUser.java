package ai.dexto.gateway.sim.auth;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A signed-up user: an email identity with a hashed password, auto-confirmed (as a Supabase project
 * with email confirmations off, the local default). Mutable only through {@link AuthState}.
 */
final class AuthUser {
    final String id;
    final String email;
    final String passwordHash;
    final Instant createdAt;
    Instant lastSignInAt;

    AuthUser(String id, String email, String passwordHash, Instant createdAt, Instant lastSignInAt) {
        this.id = id;
        this.email = email;
        this.passwordHash = passwordHash;
        this.createdAt = createdAt;
        this.lastSignInAt = lastSignInAt;
    }

    /** GoTrue's user object, as {@code GET /user} and every session answer it. */
    Map<String, Object> toJson() {
        Map<String, Object> identityData = new LinkedHashMap<>();
        identityData.put("email", email);
        identityData.put("email_verified", true);
        identityData.put("phone_verified", false);
        identityData.put("sub", id);
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("identity_id", java.util.UUID.nameUUIDFromBytes(("email:" + id).getBytes(
                java.nio.charset.StandardCharsets.UTF_8)).toString());
        identity.put("id", id);
        identity.put("user_id", id);
        identity.put("identity_data", identityData);
        identity.put("provider", "email");
        identity.put("last_sign_in_at", text(lastSignInAt));
        identity.put("created_at", text(createdAt));
        identity.put("updated_at", text(createdAt));
        identity.put("email", email);

        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", id);
        user.put("aud", "authenticated");
        user.put("role", "authenticated");
        user.put("email", email);
        user.put("email_confirmed_at", text(createdAt));
        user.put("phone", "");
        user.put("confirmed_at", text(createdAt));
        user.put("last_sign_in_at", text(lastSignInAt));
        user.put("app_metadata", appMetadata());
        user.put("user_metadata", Map.of());
        user.put("identities", List.of(identity));
        user.put("created_at", text(createdAt));
        user.put("updated_at", text(lastSignInAt == null ? createdAt : lastSignInAt));
        user.put("is_anonymous", false);
        return user;
    }

    static Map<String, Object> appMetadata() {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("provider", "email");
        meta.put("providers", List.of("email"));
        return meta;
    }

    Map<String, Object> toSaved() {
        Map<String, Object> saved = new LinkedHashMap<>();
        saved.put("id", id);
        saved.put("email", email);
        saved.put("password_hash", passwordHash);
        saved.put("created_at", createdAt.toString());
        saved.put("last_sign_in_at", lastSignInAt == null ? null : lastSignInAt.toString());
        return saved;
    }

    static AuthUser restore(Map<String, Object> saved) {
        Object last = saved.get("last_sign_in_at");
        return new AuthUser((String) saved.get("id"), (String) saved.get("email"), (String) saved.get("password_hash"),
                Instant.parse((String) saved.get("created_at")), last == null ? null : Instant.parse((String) last));
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
