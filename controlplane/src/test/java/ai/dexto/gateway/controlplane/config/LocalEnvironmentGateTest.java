package ai.dexto.gateway.controlplane.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.controlplane.ControlPlaneApplication;
import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.TestPostgres;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle")).forEach(cmd::add);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ControlPlaneApplication.class.getName());
        cmd.add("server");
        cmd.add(ControlPlaneHarness.CONFIG);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DEXTO_") || k.equals("ENCRYPTION_KEY")
                || k.startsWith("STRIPE_") || k.startsWith("OPENROUTER_"));
        pb.environment().put("DEXTO_DATA_DIR", dataDir.toString());
        pb.environment().putAll(env);
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void withoutDexToEnvLocalAStartOnDevelopmentDefaultsExitsNonZeroNamingEachVariable() throws Exception {
        Path log = dataDir.resolve("refused.log");
        Process p = start(Map.of("DEXTO_CONTROL_PORT", Integer.toString(freePort()),
                "DEXTO_CONTROL_ADMIN_PORT", Integer.toString(freePort())), log);
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
        Process p = start(Map.of("DEXTO_CONTROL_PORT", Integer.toString(freePort()),
                "DEXTO_CONTROL_ADMIN_PORT", Integer.toString(admin),
                "DEXTO_JWT_SECRET", "prod-jwt-secret-0123456789-0123456789-0123456789",
                "DEXTO_ADMIN_TOKEN", "prod-admin", "DEXTO_INTERNAL_TOKEN", "prod-internal",
                "ENCRYPTION_KEY", "F5uf+t1b6EtbQwaoOSRQ5xTP2Bq+4dmwN5VSe7gqKzQ=",
                "DEXTO_STRIPE_WEBHOOK_SECRET", "whsec_prod", "STRIPE_SECRET_KEY", "sk_live_prod",
                "OPENROUTER_PROVISIONING_KEY", "sk-or-prov-prod", "DEXTO_DATABASE_URL", TestPostgres.newDatabase()), log);
        try {
            long deadline = System.currentTimeMillis() + 120_000;
            int status = -1;
            while (status != 200 && p.isAlive() && System.currentTimeMillis() < deadline) {
                status = healthStatus(admin);
                if (status != 200) {
                    Thread.sleep(200);
                }
            }
            assertEquals(200, status, Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static int healthStatus(int port) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/healthcheck").toURL()
                    .openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            return c.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }
}
