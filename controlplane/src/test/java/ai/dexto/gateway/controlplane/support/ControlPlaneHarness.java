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
import java.util.Arrays;
import java.util.List;
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

    public ControlPlaneHarness(ConfigOverride... extra) {
        sim = Sim.start(SimConfig.builder().openRouterPort(0).stripePort(0).ioThreads(1)
                .stripeWebhookSecret(WEBHOOK_SECRET).build());
        try {
            dataDir = Files.createTempDirectory("cp-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        databaseUrl = TestPostgres.newDatabase();
        List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("server.applicationConnectors[0].port", "0"),
                ConfigOverride.config("server.adminConnectors[0].port", "0"),
                ConfigOverride.config("logging.level", "WARN"),
                ConfigOverride.config("server.requestLog.appenders[0].threshold", "OFF"),
                ConfigOverride.config("dataDir", dataDir.toString()),
                ConfigOverride.config("database.url", databaseUrl),
                ConfigOverride.config("database.maxPoolSize", "24"),
                ConfigOverride.config("auth.jwtSecret", JWT_SECRET),
                ConfigOverride.config("auth.adminToken", ADMIN_TOKEN),
                ConfigOverride.config("auth.internalToken", INTERNAL_TOKEN),
                ConfigOverride.config("upstream.url", sim.openRouterBaseUrl()),
                ConfigOverride.config("upstream.provisioningKey", SimConfig.DEFAULT_PROVISIONING_KEY),
                ConfigOverride.config("stripe.apiBase", sim.stripeBaseUrl()),
                ConfigOverride.config("stripe.secretKey", SimConfig.DEFAULT_STRIPE_SECRET_KEY),
                ConfigOverride.config("stripe.webhookSecret", WEBHOOK_SECRET),
                ConfigOverride.config("journal.rescanMillis", "200")));
        overrides.addAll(Arrays.asList(extra));
        app = new DropwizardAppExtension<>(ControlPlaneApplication.class, CONFIG,
                overrides.toArray(ConfigOverride[]::new));
    }

    public Http api() {
        if (api == null) {
            api = new Http("http://127.0.0.1:" + app.getLocalPort());
        }
        return api;
    }

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
}
