package ai.dexto.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a client sees, and what gets billed, when the upstream or the client fails: each of the
 * simulator's faults through the real gateway and control plane, on a system of its own with short
 * upstream timeouts so a stall is measured in seconds.
 */
class UpstreamFailuresIT {
    static LocalSystem system;
    static String model;

    @BeforeAll
    static void start() throws Exception {
        system = LocalSystem.start(Map.of(
                "DEXTO_UPSTREAM_FIRST_BYTE_TIMEOUT_MS", "1500",
                "DEXTO_UPSTREAM_CHUNK_TIMEOUT_MS", "1500"));
        model = system.firstModel();
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    /** A success after each failure keeps the circuit breaker (5 failures in a row) closed. */
    @AfterEach
    void upstreamHealthyAgain() throws Exception {
        LocalSystem.User user = system.provisionUser();
        assertEquals(200, chat(user.apiKey(), false, null).statusCode());
    }

    private HttpResponse<String> chat(String key, boolean stream, String fault) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(system.gatewayUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"" + LocalSystem.prompt("hi") + "\"}]}"));
        if (fault != null) {
            b.header("X-Sim-Fault", fault);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode usageOnceBilled(LocalSystem.User user) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode usage = null;
        while (System.nanoTime() < deadline) {
            usage = system.json(system.call("GET", system.controlUrl() + "/me/usage", user.apiKey(), null, 200));
            if (usage.path("total_requests").asLong() >= 1) {
                assertEquals(1, usage.path("total_requests").asLong(), usage.toString());
                return usage;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("never billed: " + usage);
    }

    @Test
    void upstreamErrorsBeforeAnyByteMapToGatewayStatuses() throws Exception {
        LocalSystem.User user = system.provisionUser();
        assertEquals(502, chat(user.apiKey(), false, "status=500").statusCode());
        assertEquals(503, chat(user.apiKey(), false, "status=503").statusCode());
        HttpResponse<String> limited = chat(user.apiKey(), false, "status=429");
        assertEquals(429, limited.statusCode(), limited.body());
        assertEquals("upstream_rate_limited", system.json(limited.body()).path("error").path("code").asText());
    }

    @Test
    void upstreamSilentPastTheFirstByteTimeoutIs504() throws Exception {
        LocalSystem.User user = system.provisionUser();
        HttpResponse<String> r = chat(user.apiKey(), true, "delay-headers=4000");
        assertEquals(504, r.statusCode(), r.body());
    }

    @Test
    void upstreamResetMidStreamEndsWithAnSseErrorAndBillsWhatWasUsed() throws Exception {
        LocalSystem.User user = system.provisionUser();
        HttpResponse<String> r = chat(user.apiKey(), true, "reset-after=3");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("data: {\"error\""), r.body());
        assertTrue(!r.body().contains("data: [DONE]"), r.body());
        JsonNode usage = usageOnceBilled(user);
        assertTrue(Money.parseUsd(usage.path("total_cost").asText()) > 0, "cut streams are billed: " + usage);
        assertEquals("upstream_error", usage.path("recent").get(0).path("status").asText(), usage.toString());
    }

    @Test
    void upstreamStallMidStreamTimesOutWithAnSseError() throws Exception {
        LocalSystem.User user = system.provisionUser();
        long started = System.nanoTime();
        HttpResponse<String> r = chat(user.apiKey(), true, "stall-after=3");
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
        assertTrue(r.body().contains("data: {\"error\""), r.body());
        usageOnceBilled(user);
    }

    @Test
    void answerWithoutUsageIsStillBilledFromTheUpstreamsGenerationStats() throws Exception {
        LocalSystem.User user = system.provisionUser();
        HttpResponse<String> r = chat(user.apiKey(), true, "no-usage");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("data: [DONE]"), r.body());
        JsonNode usage = usageOnceBilled(user);
        assertTrue(Money.parseUsd(usage.path("total_cost").asText()) > 0, "never zero silently: " + usage);
    }

    @Test
    void clientLeavingMidStreamIsBilledForWhatItUsed() throws Exception {
        LocalSystem.User user = system.provisionUser();
        HttpRequest request = HttpRequest.newBuilder(URI.create(system.gatewayUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + user.apiKey()).header("Content-Type", "application/json")
                .header("X-Sim-Inter-Token-Ms", "200")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":true,"
                        + "\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"" + LocalSystem.prompt("hi") + "\"}]}")).build();
        HttpResponse<InputStream> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        try (InputStream in = r.body()) {
            byte[] some = in.readNBytes(600);
            assertTrue(new String(some, StandardCharsets.UTF_8).contains("data: {"));
        }
        JsonNode usage = usageOnceBilled(user);
        assertTrue(Money.parseUsd(usage.path("total_cost").asText()) > 0, "never zero silently: " + usage);
        assertEquals("client_aborted", usage.path("recent").get(0).path("status").asText(), usage.toString());
        JsonNode audit = system.json(system.admin("GET", "/audit", null));
        assertTrue(audit.path("ok").asBoolean(), audit.toString());
    }

    @Test
    void gatewayKeepsServingKnownKeysWhileTheControlPlaneIsAwayAndTheDrainCatchesUp() throws Exception {
        LocalSystem.User user = system.provisionUser();
        assertEquals(200, chat(user.apiKey(), false, null).statusCode());
        system.stopControlPlane();
        try {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, chat(user.apiKey(), false, null).statusCode());
            }
        } finally {
            system.startControlPlane();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode usage = null;
        while (System.nanoTime() < deadline) {
            usage = system.json(system.call("GET", system.controlUrl() + "/me/usage", user.apiKey(), null, 200));
            if (usage.path("total_requests").asLong() == 4) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(4, usage.path("total_requests").asLong(), usage.toString());
        JsonNode audit = system.json(system.admin("GET", "/audit", null));
        assertTrue(audit.path("ok").asBoolean(), audit.toString());
    }
}
