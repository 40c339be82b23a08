package ai.dexto.gateway.sim.openrouter;

import static ai.dexto.gateway.sim.TestHttp.get;
import static ai.dexto.gateway.sim.TestHttp.json;
import static ai.dexto.gateway.sim.TestHttp.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.sim.RawStream;
import ai.dexto.gateway.sim.Sim;
import ai.dexto.gateway.sim.SimConfig;
import ai.dexto.gateway.sim.TestHttp;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GenerationIT {
    private static final String STREAM = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"stream please\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
    private static Sim sim;
    private static String key;

    @BeforeAll
    static void start() {
        sim = Sim.start(SimConfig.ephemeral());
        key = sim.mintKey("generation-test", null);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void completedGenerationStatsMatchTheAnswersUsage() throws Exception {
        JsonNode answer = json(postJson(sim.openRouterBaseUrl() + "/chat/completions", key,
                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"usage\":{\"include\":true}}"));
        String id = answer.get("id").asText();
        JsonNode stats = TestHttp.awaitGeneration(sim, key, id);
        assertEquals(id, stats.get("id").asText());
        assertEquals("openai/gpt-4o-mini", stats.get("model").asText());
        assertEquals(0, answer.at("/usage/cost").decimalValue().compareTo(stats.get("total_cost").decimalValue()));
        assertEquals(answer.at("/usage/prompt_tokens").asInt(), stats.get("tokens_prompt").asInt());
        assertEquals(20, stats.get("tokens_completion").asInt());
        assertEquals(20, stats.get("native_tokens_completion").asInt());
        assertEquals(0, stats.get("native_tokens_reasoning").asInt());
        assertFalse(stats.get("streamed").asBoolean());
        assertFalse(stats.get("cancelled").asBoolean());
        assertFalse(stats.get("is_byok").asBoolean());
        assertTrue(stats.get("upstream_inference_cost").isNull());
        assertTrue(stats.get("created_at").isTextual());
    }

    @Test
    void abortedStreamIsRecordedWithTheTokensSentSoFar() throws Exception {
        String id;
        try (RawStream stream = RawStream.post(sim.openRouterPort(), "/api/v1/chat/completions", key, STREAM,
                "X-Sim-Inter-Token-Ms", "40")) {
            assertEquals(3, stream.readChunks(3, 5000));
            id = stream.generationId();
            assertNotNull(id);
        }
        JsonNode stats = TestHttp.awaitGeneration(sim, key, id);
        assertTrue(stats.get("streamed").asBoolean());
        assertTrue(stats.get("cancelled").asBoolean());
        int tokens = stats.get("tokens_completion").asInt();
        assertTrue(tokens >= 3 && tokens < 20, "tokens: " + tokens);
        BigDecimal expected = new BigDecimal("0.00000015").multiply(BigDecimal.valueOf(stats.get("tokens_prompt").asInt()))
                .add(new BigDecimal("0.0000006").multiply(BigDecimal.valueOf(tokens)));
        assertEquals(0, expected.compareTo(stats.get("total_cost").decimalValue()));
    }

    @Test
    void streamLeftBeforeItsFirstTokenIsFoundThroughTheGenerationIdHeader() throws Exception {
        String id;
        try (RawStream stream = RawStream.post(sim.openRouterPort(), "/api/v1/chat/completions", key, STREAM,
                "X-Sim-TTFT-Ms", "3000")) {
            assertTrue(stream.readUntil("\r\n\r\n", 5_000), "the response head: " + stream.text());
            assertEquals(0, stream.chunks(), "left before the first token");
            Matcher header = Pattern.compile("(?i)x-generation-id: (gen-\\S+)").matcher(stream.text());
            assertTrue(header.find(), stream.text());
            id = header.group(1);
        }
        JsonNode stats = TestHttp.awaitGeneration(sim, key, id);
        assertTrue(stats.get("cancelled").asBoolean());
        assertEquals(0, stats.get("tokens_completion").asInt());
        assertTrue(stats.get("total_cost").decimalValue().signum() > 0, "the prompt is billed");
    }

    @Test
    void unknownIdOrAnotherKeysGenerationIs404() throws Exception {
        assertEquals(404, get(sim.openRouterBaseUrl() + "/generation?id=gen-0-nope", key).statusCode());
        String id = json(postJson(sim.openRouterBaseUrl() + "/chat/completions", key,
                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .get("id").asText();
        TestHttp.awaitGeneration(sim, key, id);
        String other = sim.mintKey("other", null);
        assertEquals(404, get(sim.openRouterBaseUrl() + "/generation?id=" + id, other).statusCode());
        assertEquals(401, get(sim.openRouterBaseUrl() + "/generation?id=" + id, null).statusCode());
    }

    @Test
    void byokGenerationReportsFeeAndUpstreamCost() throws Exception {
        JsonNode answer = json(postJson(sim.openRouterBaseUrl() + "/chat/completions", key,
                "{\"model\":\"meta-llama/llama-3.1-8b-instruct\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                        + "\"usage\":{\"include\":true}}", "X-Sim-Byok", "true"));
        JsonNode stats = TestHttp.awaitGeneration(sim, key, answer.get("id").asText());
        assertTrue(stats.get("is_byok").asBoolean());
        assertEquals(0, answer.at("/usage/cost_details/upstream_inference_cost").decimalValue()
                .compareTo(stats.get("upstream_inference_cost").decimalValue()));
    }

    @Test
    void withAStateDirGenerationsSurviveARestartAndATornLastLineIsSkipped(@TempDir Path state) throws Exception {
        SimConfig config = SimConfig.builder().openRouterPort(0).stripePort(0).stateDir(state).build();
        String kept;
        String id;
        JsonNode before;
        try (Sim first = Sim.start(config)) {
            kept = first.mintKey("kept-generations", null);
            JsonNode answer = json(postJson(first.openRouterBaseUrl() + "/chat/completions", kept,
                    "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
            id = answer.get("id").asText();
            before = TestHttp.awaitGeneration(first, kept, id);
        }
        // what a simulator killed mid-write leaves behind
        Files.writeString(state.resolve("openrouter-generations.jsonl"), "{\"id\":\"gen-torn", StandardOpenOption.APPEND);
        try (Sim second = Sim.start(config)) {
            JsonNode after = TestHttp.awaitGeneration(second, kept, id);
            assertEquals(0, before.get("total_cost").decimalValue().compareTo(after.get("total_cost").decimalValue()));
            assertEquals(before.get("tokens_prompt").asInt(), after.get("tokens_prompt").asInt());
            assertEquals(before.get("tokens_completion").asInt(), after.get("tokens_completion").asInt());
            assertEquals(before.get("created_at").asText(), after.get("created_at").asText());
            // and a new generation after the restart is kept as well
            JsonNode answer = json(postJson(second.openRouterBaseUrl() + "/chat/completions", kept,
                    "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"again\"}]}"));
            assertNotNull(TestHttp.awaitGeneration(second, kept, answer.get("id").asText()));
        }
        try (Sim third = Sim.start(config)) {
            assertNotNull(TestHttp.awaitGeneration(third, kept, id));
        }
    }
}
