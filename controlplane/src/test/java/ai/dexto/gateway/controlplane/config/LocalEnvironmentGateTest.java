package ai.dexto.gateway.controlplane.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.controlplane.support.ControlPlaneProcess;
import ai.dexto.gateway.controlplane.support.TestPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A control plane started as a real process without {@code DEXTO_ENV=local} refuses the published
 * development secrets and the embedded database before it listens, naming each variable.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LocalEnvironmentGateTest {
    static final List<String> EVERY_DEFAULT = List.of("DEXTO_JWT_SECRET", "DEXTO_ADMIN_TOKEN", "DEXTO_INTERNAL_TOKEN",
            "ENCRYPTION_KEY", "DEXTO_STRIPE_WEBHOOK_SECRET", "STRIPE_SECRET_KEY", "OPENROUTER_PROVISIONING_KEY",
            "DEXTO_DATABASE_URL");

    @TempDir
    Path dataDir;

    private Process start(Map<String, String> env, Path log) throws IOException {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("DEXTO_DATA_DIR", dataDir.toString());
        return ControlPlaneProcess.start(all, log);
    }

    private static int freePort() throws IOException {
        return ControlPlaneProcess.freePort();
    }

    @Test
    void withoutDexToEnvLocalAStartOnDevelopmentDefaultsExitsNonZeroNamingEachVariable() throws Exception {
        Path log = dataDir.resolve("refused.log");
        Process p = start(Map.of("DEXTO_CONTROL_PORT", Integer.toString(freePort()),
                "DEXTO_CONTROL_ADMIN_PORT", Integer.toString(freePort()),
                "DEXTO_CONTROL_INTERNAL_PORT", Integer.toString(freePort())), log);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the refused start ends by itself");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertNotEquals(0, p.exitValue(), out);
        for (String name : EVERY_DEFAULT) {
            assertTrue(out.contains(name), name + " named in: " + out);
        }
        assertTrue(out.contains("refusing to start"), out);
        assertFalse(Files.exists(dataDir.resolve("pg")), "no embedded PostgreSQL was started");
        assertFalse(out.contains("Started"), "nothing listened: " + out);
    }

    @Test
    void withEverySecretSetAndARealDatabaseItStartsWithoutDexToEnv() throws Exception {
        int admin = freePort();
        Path log = dataDir.resolve("started.log");
        Map<String, String> env = new java.util.HashMap<>();
        env.put("DEXTO_CONTROL_PORT", Integer.toString(freePort()));
        env.put("DEXTO_CONTROL_ADMIN_PORT", Integer.toString(admin));
        env.put("DEXTO_CONTROL_INTERNAL_PORT", Integer.toString(freePort()));
        env.put("DEXTO_JWT_SECRET", "prod-jwt-secret-0123456789-0123456789-0123456789");
        env.put("DEXTO_ADMIN_TOKEN", "prod-admin");
        env.put("DEXTO_INTERNAL_TOKEN", "prod-internal");
        env.put("ENCRYPTION_KEY", "F5uf+t1b6EtbQwaoOSRQ5xTP2Bq+4dmwN5VSe7gqKzQ=");
        env.put("DEXTO_STRIPE_WEBHOOK_SECRET", "whsec_prod");
        env.put("STRIPE_SECRET_KEY", "sk_live_prod");
        env.put("OPENROUTER_PROVISIONING_KEY", "sk-or-prov-prod");
        env.put("DEXTO_DATABASE_URL", TestPostgres.newDatabase());
        Process p = start(env, log);
        try {
            assertTrue(ControlPlaneProcess.awaitOk(p, "http://127.0.0.1:" + admin + "/healthcheck", 120_000),
                    Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
