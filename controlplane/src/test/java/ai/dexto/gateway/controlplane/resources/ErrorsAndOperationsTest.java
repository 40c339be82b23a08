package ai.dexto.gateway.controlplane.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ErrorsAndOperationsTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness();
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;

    @AfterAll
    static void stopSim() {
        H.close();
    }

    static void assertErrorShape(Http.Reply r, int status) {
        assertEquals(status, r.status(), r.toString());
        JsonNode e = r.json().path("error");
        assertTrue(e.path("message").isTextual(), r.toString());
        assertTrue(e.path("type").isTextual(), r.toString());
        assertTrue(e.path("code").isTextual(), r.toString());
    }

    @Test
    void malformedJsonIsA400InTheOneErrorShape() {
        Http.Reply r = H.internal().post("/admin/users/x/credits", ControlPlaneHarness.ADMIN_TOKEN, "{\"amount_usd\": ");
        assertErrorShape(r, 400);
        assertEquals("invalid_json", r.json().path("error").path("code").asText());
    }

    @Test
    void unknownRoutesWrongMethodsAndMediaTypesUseTheErrorShape() {
        assertErrorShape(H.api().get("/nope", null), 404);
        assertErrorShape(H.api().get("/api/provision", null), 405);
        Http.Reply form = H.internal().send("POST", "/admin/users/x/credits", ControlPlaneHarness.ADMIN_TOKEN, "amount=5",
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertErrorShape(form, form.status() == 415 ? 415 : 400);
    }

    @Test
    void errorsNeverEchoTokens() {
        Http.Reply r = H.api().get("/keys", "dxt_secret-looking-token-value");
        assertErrorShape(r, 401);
        assertFalse(r.body().contains("secret-looking"));
    }

    @Test
    void everyResponseCarriesARequestIdAndAGivenOneIsKept() {
        assertTrue(H.api().get("/nope", null).header("X-Request-ID").length() >= 8);
        Http.Reply r = H.api().send("GET", "/nope", null, null, Map.of("X-Request-ID", "abc-123"));
        assertEquals("abc-123", r.header("X-Request-ID"));
    }

    @Test
    void corsAllowsOnlyTheConfiguredOriginAndNeverCredentials() {
        Http.Reply ok = H.api().send("OPTIONS", "/keys", null, null, Map.of("Origin", "https://dexto.ai",
                "Access-Control-Request-Method", "GET"));
        assertEquals(204, ok.status());
        assertEquals("https://dexto.ai", ok.header("Access-Control-Allow-Origin"));
        assertNull(ok.header("Access-Control-Allow-Credentials"));
        Http.Reply evil = H.api().send("OPTIONS", "/keys", null, null, Map.of("Origin", "https://evil.example",
                "Access-Control-Request-Method", "GET"));
        assertEquals(403, evil.status());
        assertNull(evil.header("Access-Control-Allow-Origin"));
        Http.Reply get = H.api().send("GET", "/nope", null, null, Map.of("Origin", "https://evil.example"));
        assertNull(get.header("Access-Control-Allow-Origin"));
        assertNull(get.header("Set-Cookie"));
    }

    @Test
    void healthChecksCoverTheDatabaseAndTheDrain() {
        Http.Reply r = H.admin().get("/healthcheck", null);
        assertEquals(200, r.status(), r.toString());
        JsonNode h = r.json();
        assertTrue(h.path("journal-drain").path("healthy").asBoolean(), r.toString());
        assertTrue(h.has("controlplane.pool.ConnectivityCheck"), r.toString());
    }

    @Test
    void prometheusMetricsBridgeDropwizardsRegistry() {
        Http.Reply r = H.admin().get("/metrics", null);
        assertEquals(200, r.status());
        assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));
        assertTrue(r.body().contains("journal_events_behind"), r.body().substring(0, Math.min(500, r.body().length())));
        assertTrue(r.body().contains("controlplane_pool_"), "HikariCP pool metrics");
        assertTrue(r.body().contains("jvm_memory") || r.body().contains("org_eclipse_jetty"), "JVM or Jetty metrics");
    }
}
