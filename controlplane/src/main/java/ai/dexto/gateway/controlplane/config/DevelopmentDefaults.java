package ai.dexto.gateway.controlplane.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The development values {@code ops/config/controlplane.yml} falls back to when the environment sets
 * none, and the embedded PostgreSQL used when no database URL is set. They are published (the repo,
 * the quickstart), so anyone could sign a webhook or a session JWT with them: they are accepted only
 * in a local run ({@code DEXTO_ENV=local}); anywhere else the control plane refuses to start.
 */
public final class DevelopmentDefaults {
    public static final String LOCAL = "local";

    static final String JWT_SECRET = "dev-jwt-secret-change-me-in-production-0123456789";
    static final String ADMIN_TOKEN = "dev-admin-token";
    static final String INTERNAL_TOKEN = "dev-internal-token";
    static final String ENCRYPTION_KEY = "ZGV2LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGVzLWxvbmc=";
    static final String WEBHOOK_SECRET = "whsec_dexto_local_development_only";
    static final String STRIPE_SECRET_KEY = "sk_test_sim_dev";
    static final String PROVISIONING_KEY = "sk-or-prov-sim-dev";

    private DevelopmentDefaults() {
    }

    /** The environment variables whose settings are still at their development value. */
    public static List<String> inUse(ControlPlaneConfiguration c) {
        List<String> names = new ArrayList<>();
        check(names, JWT_SECRET, c.getAuth().jwtSecret, "DEXTO_JWT_SECRET");
        check(names, ADMIN_TOKEN, c.getAuth().adminToken, "DEXTO_ADMIN_TOKEN");
        check(names, INTERNAL_TOKEN, c.getAuth().internalToken, "DEXTO_INTERNAL_TOKEN");
        check(names, ENCRYPTION_KEY, c.getAuth().encryptionKey, "ENCRYPTION_KEY");
        check(names, WEBHOOK_SECRET, c.getStripe().webhookSecret, "DEXTO_STRIPE_WEBHOOK_SECRET");
        check(names, STRIPE_SECRET_KEY, c.getStripe().secretKey, "STRIPE_SECRET_KEY");
        check(names, PROVISIONING_KEY, c.getUpstream().provisioningKey, "OPENROUTER_PROVISIONING_KEY");
        return names;
    }

    /**
     * What a non-local start must not run with: every development secret, and {@code DEXTO_DATABASE_URL}
     * when it would start an embedded database. Empty in a local run, or when nothing is at a default.
     */
    public static List<String> refusedOutsideLocal(ControlPlaneConfiguration c) {
        if (c.isLocal()) {
            return List.of();
        }
        List<String> names = inUse(c);
        if (c.getDatabase().embedded()) {
            names.add("DEXTO_DATABASE_URL");
        }
        return names;
    }

    /** The start-up refusal, naming each variable. */
    public static String refusal(List<String> names) {
        return "refusing to start: DEXTO_ENV is not \"local\" and " + String.join(", ", names)
                + (names.size() == 1 ? " is" : " are") + " unset or at the published development value"
                + (names.contains("DEXTO_DATABASE_URL") ? " (no DEXTO_DATABASE_URL starts an embedded PostgreSQL)" : "")
                + ". Set each in the environment, or DEXTO_ENV=local for a local run.";
    }

    private static void check(List<String> names, String devValue, String actual, String env) {
        if (actual == null || actual.isBlank() || devValue.equals(actual)) {
            names.add(env);
        }
    }
}
