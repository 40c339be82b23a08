package ai.dexto.gateway.sim.fault;

import static ai.dexto.gateway.sim.TestHttp.json;
import static ai.dexto.gateway.sim.TestHttp.postJson;
import static ai.dexto.gateway.sim.TestHttp.request;
import static ai.dexto.gateway.sim.TestHttp.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.sim.RawStream;
import ai.dexto.gateway.sim.Sim;
import ai.dexto.gateway.sim.SimConfig;
import ai.dexto.gateway.sim.TestHttp;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultsIT {
    private static final String PLAIN = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"x\"}],\"usage\":{\"include\":true}}";
    private static final String STREAM = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"x\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
    private static Sim sim;
    private static String key;

    @BeforeAll
    static void start() {
        sim = Sim.start(SimConfig.ephemeral());
        key = sim.mintKey("fault-test", null);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @AfterEach
    void clearGlobalFaults() {
        sim.clearFaults();
    }

    private static HttpResponse<String> chat(String body, String... headers) {
        return postJson(sim.openRouterBaseUrl() + "/chat/completions", key, body, headers);
    }

    private static List<String> data(String sse) {
        List<String> data = new ArrayList<>();
        for (String event : sse.split("\n\n")) {
            if (event.startsWith("data: ")) {
                data.add(event.substring(6));
            }
        }
        return data;
    }

    @Test
    void statusFaultAnswersWithThatStatusAndOpenRouterErrorBody() {
        HttpResponse<String> response = chat(PLAIN, "X-Sim-Fault", "status=503");
        assertEquals(503, response.statusCode());
        assertEquals(503, json(response).at("/error/code").asInt());
        assertTrue(json(response).at("/error/message").isTextual());
        HttpResponse<String> limited = chat(STREAM, "X-Sim-Fault", "status=429");
        assertEquals(429, limited.statusCode());
        assertTrue(limited.headers().firstValue("retry-after").isPresent());
    }

    @Test
    void delayHeadersHoldsTheWholeResponse() {
        long start = System.nanoTime();
        HttpResponse<String> response = chat(PLAIN, "X-Sim-Fault", "delay-headers=300");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, response.statusCode());
        assertTrue(millis >= 300, "took " + millis + " ms");
    }

    @Test
    void timeToFirstTokenAndInterTokenHeadersPaceTheStream() {
        long start = System.nanoTime();
        HttpResponse<String> response = chat(STREAM, "X-Sim-TTFT-Ms", "150", "X-Sim-Inter-Token-Ms", "10",
                "X-Sim-Answer-Tokens", "6");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, response.statusCode());
        assertTrue(millis >= 150 + 50, "took " + millis + " ms");
        assertEquals("[DONE]", data(response.body()).get(6 + 2));
    }

    @Test
    void longTimeToFirstTokenRepeatsTheProcessingComment() {
        HttpResponse<String> response = chat(STREAM, "X-Sim-TTFT-Ms", "2100", "X-Sim-Answer-Tokens", "1");
        String comment = ": OPENROUTER PROCESSING\n\n";
        assertTrue(response.body().startsWith(comment + comment + comment + "data: "), response.body());
    }

    @Test
    void resetAfterClosesTheConnectionAbruptlyMidStream() {
        try (RawStream stream = RawStream.post(sim.openRouterPort(), "/api/v1/chat/completions", key, STREAM,
                "X-Sim-Fault", "reset-after=3", "X-Sim-Inter-Token-Ms", "5")) {
            assertTrue(stream.readToEnd(5000), "connection should end");
            assertEquals(3, stream.chunks(), "token chunks before the reset");
            assertFalse(stream.text().contains("[DONE]"));
        }
        assertThrows(UncheckedIOException.class, () -> chat(PLAIN, "X-Sim-Fault", "reset-after=0"));
    }

    @Test
    void stallAfterStopsSendingButKeepsTheConnectionOpen() throws Exception {
        String id;
        try (RawStream stream = RawStream.post(sim.openRouterPort(), "/api/v1/chat/completions", key, STREAM,
                "X-Sim-Fault", "stall-after=2")) {
            assertEquals(2, stream.readChunks(2, 5_000));
            assertFalse(stream.readToEnd(300), "a stalled connection stays open");
            assertEquals(2, stream.chunks());
            id = stream.generationId();
        }
        JsonNode stats = TestHttp.awaitGeneration(sim, key, id);
        assertTrue(stats.get("cancelled").asBoolean());
        assertEquals(2, stats.get("tokens_completion").asInt());
    }

    @Test
    void malformedAfterSendsOneBrokenChunkThenCarriesOn() {
        HttpResponse<String> response = chat(STREAM, "X-Sim-Fault", "malformed-after=2", "X-Sim-Answer-Tokens", "4");
        List<String> data = data(response.body());
        int broken = 0;
        for (String payload : data) {
            if (!payload.equals("[DONE]")) {
                try {
                    TestHttp.JSON.readTree(payload);
                } catch (Exception e) {
                    broken++;
                }
            }
        }
        assertEquals(1, broken);
        assertTrue(data.get(2).startsWith("{\"id\":\"gen-"));
        assertEquals("[DONE]", data.get(data.size() - 1));
    }

    @Test
    void noUsageLeavesUsageOutOfStreamAndBody() {
        List<String> data = data(chat(STREAM, "X-Sim-Fault", "no-usage", "X-Sim-Answer-Tokens", "2").body());
        assertEquals(2 + 2, data.size());
        data.forEach(payload -> assertFalse(payload.contains("\"usage\"")));
        assertFalse(json(chat(PLAIN, "X-Sim-Fault", "no-usage")).has("usage"));
    }

    @Test
    void globalFaultOverHttpAppliesToTheNextCountRequests() {
        HttpResponse<String> armed = postJson(sim.openRouterBaseUrl().replace("/api/v1", "") + "/sim/faults", null,
                "{\"fault\":\"status=502\",\"count\":2}");
        assertEquals(200, armed.statusCode());
        assertEquals(502, chat(PLAIN).statusCode());
        assertEquals(502, chat(STREAM).statusCode());
        assertEquals(200, chat(PLAIN).statusCode());
    }

    @Test
    void globalFaultWithCountMinusOneLastsUntilDeleted() {
        postJson(sim.openRouterBaseUrl().replace("/api/v1", "") + "/sim/faults", null,
                "{\"fault\":\"no-usage\",\"count\":-1}");
        for (int i = 0; i < 3; i++) {
            assertFalse(json(chat(PLAIN)).has("usage"));
        }
        HttpResponse<String> cleared = send(request(sim.openRouterBaseUrl().replace("/api/v1", "") + "/sim/faults", null)
                .DELETE().build());
        assertEquals(200, cleared.statusCode());
        assertTrue(json(chat(PLAIN)).has("usage"));
    }

    @Test
    void globalFaultFromJavaAndInvalidSpecs() {
        sim.setGlobalFault("status=500", 1);
        assertEquals(500, chat(PLAIN).statusCode());
        assertEquals(200, chat(PLAIN).statusCode());
        assertEquals(400, chat(PLAIN, "X-Sim-Fault", "explode=1").statusCode());
        assertEquals(400, postJson(sim.openRouterBaseUrl() + "/sim/faults", null, "{\"fault\":\"bogus\"}").statusCode());
    }
}
