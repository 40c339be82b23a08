package ai.dexto.gateway.controlplane.auth;

import ai.dexto.gateway.controlplane.errors.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** A fixed bearer token (admin, internal feed), compared in constant time. */
public final class StaticTokenAuth {
    private final byte[] expected;
    private final String realm;

    public StaticTokenAuth(String token, String realm) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException(realm + " token must be configured");
        }
        this.expected = token.getBytes(StandardCharsets.UTF_8);
        this.realm = realm;
    }

    public void require(String authorization) {
        byte[] given = Bearer.token(authorization).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            throw ApiException.unauthorized("Invalid " + realm + " token");
        }
    }
}
