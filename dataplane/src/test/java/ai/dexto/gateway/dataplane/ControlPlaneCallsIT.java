package ai.dexto.gateway.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.money.Money;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What the gateway asks of the control plane on a request's behalf: a new upstream key when the
 * upstream refuses the user's (heal, then one retry), and the account calls it forwards under its own
 * URL so customers need one base URL. The control plane is its contract's stub here; the e2e suite
 * runs the same paths against the real one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ControlPlaneCallsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String TRACEPARENT = "00-" + TRACE + "-00f067aa0ba902b7-01";
    StubControlPlane cp;
    GatewayFixture f;

    @BeforeAll
    void start() throws Exception {
        cp = new StubControlPlane(new FeedSnapshot(1, GatewayFixture.TIERS, List.of(), List.of()));
        f = GatewayFixture.start(b -> b.controlUrl(cp.url()));
    }

    @AfterAll
    void stop() {
        f.close();
        cp.close();
    }

    @Test
    void anUpstreamKeyTheUpstreamRefusesIsHealedAndTheRequestRetriedOnce() throws Exception {
        String dead = f.sim.mintKey("will-be-deleted", null);
        String key = f.addUser("user-heal", Money.ofUsd(1), "unlimited", dead);
        deleteUpstreamKey("will-be-deleted");
        String fresh = f.sim.mintKey("healed", null);
        cp.healer = user -> user.equals("user-heal") ? f.cipher.seal(user, fresh) : null;

        HttpResponse<String> r = f.chat(key, GatewayFixture.body(false, 5), "traceparent", TRACEPARENT);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, cp.healCalls.get());
        assertTrue(cp.healTrace.startsWith("00-" + TRACE + "-") && !cp.healTrace.equals(TRACEPARENT),
                "the heal is a new span of the caller's trace: " + cp.healTrace);
        assertTrue(f.gateway.metricsText().contains("dexto_gateway_upstream_key_heals_total 1.0"));
        assertEquals(200, f.chat(key, GatewayFixture.body(false, 5)).statusCode(), "healed for good");
        assertEquals(1, cp.healCalls.get());

        cp.healer = user -> null;
        String broken = f.sim.mintKey("broken", null);
        String other = f.addUser("user-unhealable", Money.ofUsd(1), "unlimited", broken);
        deleteUpstreamKey("broken");
        RequestErrorsIT.assertError(f.chat(other, GatewayFixture.body(false, 5)), 502, "upstream_auth");
        assertEquals(Money.ofUsd(1), f.gateway.account("user-unhealable").spendable(), "a 401 is not billed");
    }

    /** Deletes an upstream key through the upstream's provisioning API, as an operator (or a leak response) would. */
    private void deleteUpstreamKey(String name) throws Exception {
        String prov = "Bearer " + ai.dexto.gateway.sim.SimConfig.DEFAULT_PROVISIONING_KEY;
        for (JsonNode k : JSON.readTree(f.get(f.sim.openRouterBaseUrl() + "/keys", "Authorization", prov).body()).path("data")) {
            if (k.path("name").asText().equals(name)) {
                HttpResponse<String> d = f.http.send(HttpRequest.newBuilder(URI.create(f.sim.openRouterBaseUrl() + "/keys/"
                        + k.path("hash").asText())).header("Authorization", prov).DELETE().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, d.statusCode(), d.body());
                return;
            }
        }
        throw new AssertionError("no upstream key named " + name);
    }

    @Test
    void accountCallsAreForwardedAsTheyAreWithoutHopByHopHeaders() throws Exception {
        HttpResponse<String> r = f.http.send(HttpRequest.newBuilder(URI.create(f.gateway.url() + "/api/provision?x=1"))
                .header("Authorization", "Bearer session-jwt").header("Origin", "https://dexto.ai")
                .header("traceparent", TRACEPARENT)
                .POST(HttpRequest.BodyPublishers.ofString("{\"hello\":1}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode seen = JSON.readTree(r.body());
        assertEquals("POST", seen.path("method").asText());
        assertEquals("/api/provision?x=1", seen.path("uri").asText());
        assertEquals("{\"hello\":1}", seen.path("body").asText());
        JsonNode h = seen.path("headers");
        assertEquals("Bearer session-jwt", h.path("authorization").asText());
        assertEquals("https://dexto.ai", h.path("origin").asText());
        assertEquals("127.0.0.1", h.path("x-forwarded-for").asText());
        assertTrue(h.path("traceparent").asText().startsWith("00-" + TRACE + "-"), "the caller's trace");
        String requestId = r.headers().firstValue("x-dexto-request-id").orElseThrow();
        assertEquals(requestId, h.path("x-dexto-request-id").asText(), "one request id on both planes");
        assertEquals(1, r.headers().allValues("x-dexto-request-id").size());
        assertEquals(418, f.get(f.gateway.url() + "/api/teapot").statusCode(), "statuses pass through");
    }

    @Test
    void adminAndInternalPathsAreNeverForwarded() throws Exception {
        int before = cp.publicCalls.get();
        for (String path : List.of("/admin/users", "/internal/feed/snapshot", "/admin", "/internal")) {
            RequestErrorsIT.assertError(f.get(f.gateway.url() + path, "Authorization", "Bearer anything"), 404, "not_found");
        }
        assertEquals(before, cp.publicCalls.get());
    }

    @Test
    void aLargeAnswerStreamsThroughWhole() throws Exception {
        HttpResponse<InputStream> r = f.http.send(HttpRequest.newBuilder(URI.create(f.gateway.url() + "/me/big?mb=8"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        long total = 0;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
            }
        }
        assertEquals(8L << 20, total);
    }

    @Test
    void anUnreachableControlPlaneIs502() throws Exception {
        try (GatewayFixture away = GatewayFixture.start(b -> b.controlUrl("http://127.0.0.1:1"))) {
            HttpResponse<String> r = away.get(away.gateway.url() + "/me/usage");
            RequestErrorsIT.assertError(r, 502, "account_service_unavailable");
            assertFalse(r.body().contains("127.0.0.1"), "no internal address in the error");
        }
    }
}
