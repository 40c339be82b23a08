package ai.dexto.gateway.controlplane.auth;

/** Who is calling a user endpoint: every query it makes is scoped to {@code userId}. */
public record Caller(String userId, String email, Long apiKeyId) {
    public boolean viaApiKey() {
        return apiKeyId != null;
    }
}
