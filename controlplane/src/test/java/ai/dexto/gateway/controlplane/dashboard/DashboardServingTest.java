package ai.dexto.gateway.controlplane.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard as the control plane serves it, without a browser: pages only to navigations (the API
 * keeps its paths), assets and the chart library from the jar, the runtime config, the models list,
 * and the security headers on every response.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DashboardServingTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness(Map.of(
            "dashboard.apiUrl", "http://api.example.test:8443/",
            "dashboard.authUrl", "https://project.example.test/auth/v1",
            "dashboard.authAnonKey", "sb_publishable_test",
            "dashboard.markupPercent", "10"));
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;
    static final Map<String, String> BROWSER = Map.of("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
    static final Pattern INLINE_HANDLER = Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);

    @AfterAll
    static void stopSim() {
        H.close();
    }

    @Test
    void everyPageIsStaticHtmlWithoutInlineScriptUnderAStrictPolicy() {
        for (String path : DashboardPages.PAGES.keySet()) {
            Http.Reply r = H.api().send("GET", path, null, null, BROWSER);
            assertEquals(200, r.status(), path);
            assertTrue(r.header("Content-Type").startsWith("text/html"), path);
            assertFalse(INLINE_SCRIPT.matcher(r.body()).find(), path + " has an inline script");
            assertFalse(INLINE_HANDLER.matcher(r.body()).find(), path + " has an inline event handler");
            assertTrue(r.body().contains("<script type=\"module\" src=\"/assets/js/pages/"), path);
            assertSecurityHeaders(r, path);
        }
    }

    @Test
    void theApiKeepsPathsThePagesShare() {
        String key = H.provision(ControlPlaneHarness.newUserId());
        Http.Reply api = H.api().send("GET", "/keys", key, null, BROWSER);
        assertEquals(200, api.status());
        assertTrue(api.header("Content-Type").startsWith("application/json"), api.toString());
        assertEquals(1, api.json().path("keys").size());
        Http.Reply noToken = H.api().get("/keys", null);
        assertEquals(401, noToken.status(), "a call that is not a navigation is the API's: " + noToken);
        assertSecurityHeaders(noToken, "API error");
        assertEquals(404, H.api().send("GET", "/billing", null, null, Map.of("Accept", "application/json")).status());
    }

    @Test
    void assetsAndTheChartLibraryComeFromTheJar() {
        Http.Reply js = H.api().get("/assets/js/pages/billing.js", null);
        assertEquals(200, js.status());
        assertTrue(js.header("Content-Type").contains("javascript"), js.header("Content-Type"));
        assertEquals("nosniff", js.header("X-Content-Type-Options"));
        Http.Reply chart = H.api().get("/webjars/chart.js/4.4.1/dist/chart.umd.js", null);
        assertEquals(200, chart.status());
        assertTrue(chart.body().length() > 100_000 && chart.body().contains("Chart"), "the UMD bundle");
        assertEquals(404, H.api().get("/assets/js/none.js", null).status());
    }

    @Test
    void theRuntimeConfigTellsWhereTheApiAndAuthAreAndHoldsNoSecret() {
        Http.Reply r = H.api().get("/config.json", null);
        assertEquals(200, r.status());
        JsonNode c = r.json();
        assertEquals("http://api.example.test:8443", c.path("apiUrl").asText());
        assertEquals("https://project.example.test/auth/v1", c.path("authUrl").asText());
        assertEquals("sb_publishable_test", c.path("authAnonKey").asText());
        assertEquals(5, c.path("creditPacksUsd").size());
        for (String secret : new String[] {ControlPlaneHarness.JWT_SECRET, ControlPlaneHarness.ADMIN_TOKEN,
                ControlPlaneHarness.INTERNAL_TOKEN, ControlPlaneHarness.WEBHOOK_SECRET, "sk_test", "sk-or-"}) {
            assertFalse(r.body().contains(secret), "config.json holds " + secret);
        }
        String csp = r.header("Content-Security-Policy");
        assertTrue(csp.contains("connect-src 'self' http://api.example.test:8443 https://project.example.test;"), csp);
    }

    @Test
    void modelsCarryPricesPerMillionTokensWithTheMarkup() throws Exception {
        JsonNode upstream = Http.JSON.readTree(new Http(H.sim.openRouterBaseUrl()).get("/models", null).body())
                .path("data");
        JsonNode models = H.api().get("/api/models", null).json().path("data");
        assertEquals(upstream.size(), models.size());
        JsonNode first = models.get(0);
        JsonNode raw = upstream.get(0);
        assertEquals(raw.path("id").asText(), first.path("id").asText());
        assertEquals(raw.path("id").asText().split("/")[0], first.path("provider").asText());
        assertEquals(raw.path("context_length").asLong(), first.path("context_length").asLong());
        BigDecimal expected = new BigDecimal(raw.path("pricing").path("prompt").asText())
                .multiply(BigDecimal.valueOf(1_100_000));
        assertEquals(0, expected.compareTo(new BigDecimal(first.path("prompt_usd_per_million").asText())),
                first.toString());
        assertNotNull(first.path("completion_usd_per_million").textValue());
    }

    private static void assertSecurityHeaders(Http.Reply r, String what) {
        String csp = r.header("Content-Security-Policy");
        assertNotNull(csp, what);
        assertTrue(csp.contains("script-src 'self';"), what + ": " + csp);
        assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), what + ": " + csp);
        assertTrue(csp.contains("frame-ancestors 'none'"), what + ": " + csp);
        assertEquals("nosniff", r.header("X-Content-Type-Options"), what);
        assertEquals("no-referrer", r.header("Referrer-Policy"), what);
        assertEquals("DENY", r.header("X-Frame-Options"), what);
    }
}
