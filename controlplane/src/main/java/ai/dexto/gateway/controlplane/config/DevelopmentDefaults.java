package ai.dexto.gateway.controlplane.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The development secrets {@code ops/config/controlplane.yml} falls back to when the environment sets
 * none. Fine on a laptop; the service says so loudly at start so no deployment keeps them by accident.
 */
public final class DevelopmentDefaults {
    static final String JWT_SECRET = "dev-jwt-secret-change-me-in-production-0123456789";
    static final String ADMIN_TOKEN = "dev-admin-token";
    static final String INTERNAL_TOKEN = "dev-internal-token";
    static final String ENCRYPTION_KEY = "ZGV2LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGVzLWxvbmc=";

    private DevelopmentDefaults() {
    }

    /** The names of the settings still at their development value. */
    public static List<String> inUse(ControlPlaneConfiguration c) {
        List<String> names = new ArrayList<>();
        if (JWT_SECRET.equals(c.getAuth().jwtSecret)) {
            names.add("DEXTO_JWT_SECRET");
        }
        if (ADMIN_TOKEN.equals(c.getAuth().adminToken)) {
            names.add("DEXTO_ADMIN_TOKEN");
        }
        if (INTERNAL_TOKEN.equals(c.getAuth().internalToken)) {
            names.add("DEXTO_INTERNAL_TOKEN");
        }
        if (ENCRYPTION_KEY.equals(c.getAuth().encryptionKey)) {
            names.add("ENCRYPTION_KEY");
        }
        return names;
    }
}
