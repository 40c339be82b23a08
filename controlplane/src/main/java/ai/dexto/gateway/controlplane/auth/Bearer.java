package ai.dexto.gateway.controlplane.auth;

import ai.dexto.gateway.controlplane.errors.ApiException;

/** The token of an {@code Authorization: Bearer …} header; nothing else (no cookies) authenticates. */
public final class Bearer {
    private Bearer() {
    }

    public static String token(String authorization) {
        if (authorization == null) {
            throw ApiException.unauthorized("Missing Authorization: Bearer token");
        }
        String h = authorization.trim();
        if (h.length() < 8 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized("Authorization must be a Bearer token");
        }
        String token = h.substring(7).trim();
        if (token.isEmpty()) {
            throw ApiException.unauthorized("Missing Authorization: Bearer token");
        }
        return token;
    }
}
