package ai.dexto.gateway.controlplane.support;

import ai.dexto.gateway.controlplane.ControlPlaneApplication;
import ai.dexto.gateway.controlplane.auth.SessionTokens;
import ai.dexto.gateway.controlplane.config.ControlPlaneConfiguration;
import ai.dexto.gateway.sim.Sim;
import ai.dexto.gateway.sim.SimConfig;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real application from {@code ops/config/controlplane.yml} on ephemeral loopback ports, its own
 * database in the shared test PostgreSQL, the simulator as its upstream and Stripe, and a temp data dir.
 */
public final class ControlPlaneHarness {
    public static final String CONFIG = Path.of("../ops/config/controlplane.yml").toAbsolutePath().toString();
    public static final String JWT_SECRET = "test-jwt-secret-0123456789-0123456789-0123456789";
    public static final String ADMIN_TOKEN = "test-admin-token";
    public static final String INTERNAL_TOKEN = "test-internal-token";
    public static final String WEBHOOK_SECRET = "whsec_test_0123456789";

    public final Sim sim;
    public final Path dataDir;
    public final String databaseUrl;
    public final DropwizardAppExtension<ControlPlaneConfiguration> app;
    private Http api;
    private Http admin;
    private Http internal;

    public ControlPlaneHarness() {
        this(Map.of());
    }

    /** @param extra configuration overrides (Dropwizard paths) replacing the harness's defaults */
    public ControlPlaneHarness(Map<String, String> extra) {
        sim = Sim.start(SimConfig.builder().openRouterPort(0).stripePort(0).ioThreads(1)
                .stripeWebhookSecret(WEBHOOK_SECRET).build());
        try {
            dataDir = Files.createTempDirectory("cp-test-");
            // deleted when the test JVM exits, after the application (which holds its journals) stopped
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dataDir)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        databaseUrl = TestPostgres.newDatabase();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("env", "local"); // DEXTO_ENV=local: the test keeps ENCRYPTION_KEY at its development value
        config.put("server.applicationConnectors[0].port", "0");
        config.put("server.adminConnectors[0].port", "0");
        config.put("internalPort.port", "0");
        config.put("dataDir", dataDir.toString());
        config.put("database.url", databaseUrl);
        config.put("database.maxPoolSize", "24");
        config.put("auth.jwtSecret", JWT_SECRET);
        config.put("auth.adminToken", ADMIN_TOKEN);
        config.put("auth.internalToken", INTERNAL_TOKEN);
        config.put("auth.jwksUrl", sim.authBaseUrl() + "/.well-known/jwks.json");
        config.put("upstream.url", sim.openRouterBaseUrl());
        config.put("upstream.provisioningKey", SimConfig.DEFAULT_PROVISIONING_KEY);
        config.put("stripe.apiBase", sim.stripeBaseUrl());
        config.put("stripe.secretKey", SimConfig.DEFAULT_STRIPE_SECRET_KEY);
        config.put("stripe.webhookSecret", WEBHOOK_SECRET);
        config.put("journal.rescanMillis", "200");
        // tests provision and rotate in parallel loops; LimitsTest puts the production rates back
        for (String action : List.of("provision", "rotateKey", "csvExport")) {
            config.put("limits." + action + ".perMinute", "100000");
            config.put("limits." + action + ".burst", "1000");
        }
        config.putAll(extra);
        List<ConfigOverride> overrides = new ArrayList<>();
        config.forEach((k, v) -> overrides.add(ConfigOverride.config(k, v)));
        app = new DropwizardAppExtension<>(ControlPlaneApplication.class, CONFIG,
                overrides.toArray(ConfigOverride[]::new));
    }

    public Http api() {
        if (api == null) {
            api = new Http("http://127.0.0.1:" + app.getLocalPort());
        }
        return api;
    }

    /** The internal port: {@code /admin/*} and {@code /internal/*}. */
    public Http internal() {
        if (internal == null) {
            internal = new Http(internalUrl());
        }
        return internal;
    }

    public String internalUrl() {
        return "http://127.0.0.1:" + application().internalPort();
    }

    /** Dropwizard's admin port: health checks and metrics. */
    public Http admin() {
        if (admin == null) {
            admin = new Http("http://127.0.0.1:" + app.getAdminPort());
        }
        return admin;
    }

    public ControlPlaneApplication application() {
        return app.getApplication();
    }

    public String jwt(String userId) {
        return new SessionTokens(JWT_SECRET, "authenticated", null).issue(userId, userId + "@example.test",
                Duration.ofHours(1));
    }

    public static String newUserId() {
        return "user-" + UUID.randomUUID();
    }

    /** Provisions a user; returns their plaintext API key. */
    public String provision(String userId) {
        Http.Reply r = api().post("/api/provision", jwt(userId), null);
        if (r.status() != 200) {
            throw new AssertionError("provision: " + r);
        }
        return r.json().path("dextoApiKey").asText();
    }

    public void close() {
        sim.close();
    }

    /** Deletes a directory tree; unreadable leftovers are ignored (it is test scratch). */
    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // already gone
        }
    }
}
