package ai.dexto.gateway.sim.openrouter;

import static ai.dexto.gateway.sim.TestHttp.get;
import static ai.dexto.gateway.sim.TestHttp.json;
import static ai.dexto.gateway.sim.TestHttp.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.sim.Sim;
import ai.dexto.gateway.sim.SimConfig;
import ai.dexto.gateway.sim.TestHttp;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChatCompletionsIT {
    private static final String CHAT = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Say something deterministic, please.\"}]%s}";
    private static Sim sim;
    private static String key;

    @BeforeAll
    static void start() {
        sim = Sim.start(SimConfig.ephemeral());
        key = sim.mintKey("chat-test", null);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static String chat(String extra) {
        return String.format(CHAT, extra);
    }

    private static HttpResponse<String> post(String body, String... headers) {
        return postJson(sim.openRouterBaseUrl() + "/chat/completions", key, body, headers);
    }

    /** The {@code data:} payloads of an SSE body, and checks the framing on the way. */
    static List<String> dataLines(String body) {
        List<String> data = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (event.startsWith("data: ")) {
                data.add(event.substring(6));
            } else {
                assertTrue(event.startsWith(":"), "unexpected SSE event: " + event);
            }
        }
        return data;
    }

    @Test
    void modelsListsTheFixedCatalogueWithDecimalStringPrices() {
        JsonNode models = json(get(sim.openRouterBaseUrl() + "/models", null)).get("data");
        assertEquals(new ModelCatalogue().all().size(), models.size());
        JsonNode first = models.get(0);
        assertEquals("openai/gpt-4o-mini", first.get("id").asText());
        assertEquals("0.00000015", first.at("/pricing/prompt").textValue());
        assertEquals("0.0000006", first.at("/pricing/completion").textValue());
        assertEquals(128000, first.get("context_length").asInt());
        assertEquals(16384, first.at("/top_provider/max_completion_tokens").asInt());
    }

    @Test
    void nonStreamedAnswerHasOpenRouterShapeAndExactCost() {
        String body = chat(",\"usage\":{\"include\":true}");
        HttpResponse<String> response = post(body);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        JsonNode answer = json(response);
        assertTrue(answer.get("id").asText().startsWith("gen-"));
        assertEquals(answer.get("id").asText(), response.headers().firstValue("x-generation-id").orElse(""));
        assertEquals("chat.completion", answer.get("object").asText());
        assertEquals("OpenAI", answer.get("provider").asText());
        assertEquals("openai/gpt-4o-mini", answer.get("model").asText());
        assertTrue(answer.get("created").asLong() > 0);
        assertEquals("stop", answer.at("/choices/0/finish_reason").asText());
        assertEquals("assistant", answer.at("/choices/0/message/role").asText());
        assertTrue(answer.at("/choices/0/message/content").asText().startsWith("The simulated model"));
        JsonNode usage = answer.get("usage");
        int prompt = usage.get("prompt_tokens").asInt();
        assertEquals(20, usage.get("completion_tokens").asInt());
        assertEquals(prompt + 20, usage.get("total_tokens").asInt());
        assertTrue(prompt <= body.getBytes(StandardCharsets.UTF_8).length);
        BigDecimal expected = new BigDecimal("0.00000015").multiply(BigDecimal.valueOf(prompt))
                .add(new BigDecimal("0.0000006").multiply(BigDecimal.valueOf(20)));
        assertTrue(usage.get("cost").isNumber());
        assertEquals(0, expected.compareTo(usage.get("cost").decimalValue()));
        assertFalse(usage.get("is_byok").asBoolean());
        assertTrue(usage.at("/cost_details/upstream_inference_cost").isNull());
        assertEquals(0, usage.at("/prompt_tokens_details/cached_tokens").asInt());
        assertEquals(0, usage.at("/completion_tokens_details/reasoning_tokens").asInt());
    }

    @Test
    void costIsWrittenAsAPlainDecimalNumber() {
        HttpResponse<String> response = post(chat(",\"usage\":{\"include\":true},\"max_tokens\":1"));
        assertTrue(response.body().matches("(?s).*\"cost\":0\\.0000\\d+,.*"), response.body());
    }

    @Test
    void withoutUsageAccountingTheUsageHasOnlyTokenCounts() {
        JsonNode usage = json(post(chat(""))).get("usage");
        assertEquals(3, usage.size());
        assertFalse(usage.has("cost"));
    }

    @Test
    void streamedAnswerHasCommentChunksFinishUsageAndDone() {
        String body = chat(",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        HttpResponse<String> response = post(body, "X-Sim-Answer-Tokens", "5");
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("content-type").orElse(""));
        assertTrue(response.body().startsWith(": OPENROUTER PROCESSING\n\n"));
        List<String> data = dataLines(response.body());
        assertEquals(5 + 3, data.size());
        assertEquals("[DONE]", data.get(data.size() - 1));
        String id = null;
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            JsonNode chunk = TestHttp.JSON.valueToTree(parse(data.get(i)));
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            id = chunk.get("id").asText();
            assertTrue(chunk.at("/choices/0/finish_reason").isNull());
            content.append(chunk.at("/choices/0/delta/content").asText());
        }
        assertEquals("The simulated model answers with", content.toString());
        JsonNode last = parse(data.get(5));
        assertEquals("stop", last.at("/choices/0/finish_reason").asText());
        JsonNode usageChunk = parse(data.get(6));
        assertEquals(id, usageChunk.get("id").asText());
        assertEquals(id, response.headers().firstValue("x-generation-id").orElse(""));
        assertEquals(0, usageChunk.get("choices").size());
        JsonNode usage = usageChunk.get("usage");
        assertEquals(5, usage.get("completion_tokens").asInt());
        int prompt = usage.get("prompt_tokens").asInt();
        assertTrue(prompt <= body.getBytes(StandardCharsets.UTF_8).length);
        BigDecimal expected = new BigDecimal("0.00000015").multiply(BigDecimal.valueOf(prompt))
                .add(new BigDecimal("0.0000006").multiply(BigDecimal.valueOf(5)));
        assertEquals(0, expected.compareTo(usage.get("cost").decimalValue()));
    }

    @Test
    void streamWithoutUsageAccountingEndsWithoutUsageChunk() {
        List<String> data = dataLines(post(chat(",\"stream\":true"), "X-Sim-Answer-Tokens", "3").body());
        assertEquals(3 + 2, data.size());
        assertFalse(data.get(3).contains("\"usage\""));
        assertEquals("[DONE]", data.get(4));
    }

    @Test
    void maxTokensCapsTheAnswerAndFinishesWithLength() {
        List<String> data = dataLines(post(chat(",\"stream\":true,\"max_tokens\":4,\"usage\":{\"include\":true}"))
                .body());
        assertEquals(4 + 3, data.size());
        assertEquals("length", parse(data.get(4)).at("/choices/0/finish_reason").asText());
        assertEquals(4, parse(data.get(5)).at("/usage/completion_tokens").asInt());
        JsonNode answer = json(post(chat(",\"max_tokens\":2")));
        assertEquals(2, answer.at("/usage/completion_tokens").asInt());
        assertEquals("The simulated", answer.at("/choices/0/message/content").asText());
    }

    @Test
    void byokHeaderSplitsFeeFromUpstreamCost() {
        JsonNode usage = json(post(chat(",\"usage\":{\"include\":true}"), "X-Sim-Byok", "true")).get("usage");
        assertTrue(usage.get("is_byok").asBoolean());
        BigDecimal upstream = usage.at("/cost_details/upstream_inference_cost").decimalValue();
        assertEquals(0, upstream.multiply(new BigDecimal("0.05")).compareTo(usage.get("cost").decimalValue()));
        assertTrue(upstream.signum() > 0);
    }

    @Test
    void reasoningModelReportsReasoningTokens() {
        String body = "{\"model\":\"deepseek/deepseek-r1\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"usage\":{\"include\":true}}";
        JsonNode usage = json(post(body)).get("usage");
        assertEquals(5, usage.at("/completion_tokens_details/reasoning_tokens").asInt());
    }

    @Test
    void missingOrUnknownKeyIsRefusedWithOpenRouter401() {
        HttpResponse<String> none = postJson(sim.openRouterBaseUrl() + "/chat/completions", null, chat(""));
        assertEquals(401, none.statusCode());
        assertEquals(401, json(none).at("/error/code").asInt());
        HttpResponse<String> bogus = postJson(sim.openRouterBaseUrl() + "/chat/completions", "sk-or-v1-bogus", chat(""));
        assertEquals(401, bogus.statusCode());
        assertTrue(json(bogus).at("/error/message").isTextual());
    }

    @Test
    void unknownModelAndMalformedJsonAre400() {
        HttpResponse<String> unknown = post("{\"model\":\"nope/nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(400, unknown.statusCode());
        assertTrue(json(unknown).at("/error/message").asText().contains("nope/nope"));
        HttpResponse<String> malformed = post("{\"model\":");
        assertEquals(400, malformed.statusCode());
        assertEquals(400, json(malformed).at("/error/code").asInt());
    }

    @Test
    void answerTokensHeaderOverridesTheConfiguredLength() {
        assertEquals(7, json(post(chat(""), "X-Sim-Answer-Tokens", "7")).at("/usage/completion_tokens").asInt());
    }

    @Test
    void everyListedPriceIsCharged() {
        Model gpt4o = new ModelCatalogue().find("openai/gpt-4o");
        String body = "{\"model\":\"openai/gpt-4o\",\"usage\":{\"include\":true},\"plugins\":[{\"id\":\"web\","
                + "\"max_results\":3}],\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/a.png\"}}]}]}";
        JsonNode usage = json(post(body, "X-Sim-Answer-Tokens", "4")).get("usage");
        int prompt = usage.get("prompt_tokens").asInt();
        assertEquals(1 + 4 + ChatRequest.IMAGE_TOKENS, prompt, "text, the message and the image");
        BigDecimal expected = gpt4o.cost(prompt, 4, 0).add(gpt4o.imagePrice())
                .add(gpt4o.webSearchPrice().max(new BigDecimal("0.012")));
        assertEquals(0, expected.compareTo(usage.get("cost").decimalValue()), usage.toString());
    }

    @Test
    void aMaxPriceBelowTheModelsPriceFindsNoEndpoint() {
        HttpResponse<String> cheap = post(chat(",\"provider\":{\"max_price\":{\"prompt\":0.1,\"completion\":1}}"));
        assertEquals(404, cheap.statusCode(), cheap.body());
        assertEquals(200, post(chat(",\"provider\":{\"max_price\":{\"prompt\":0.15,\"completion\":0.6}}")).statusCode(),
                "a limit equal to the listed price is met");
    }

    @Test
    void theFallbackFaultAnswersFromTheLastModelOfTheList() {
        String body = "{\"model\":\"openai/gpt-4o-mini\",\"models\":[\"meta-llama/llama-3.1-8b-instruct\","
                + "\"anthropic/claude-3.5-sonnet\"],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        assertEquals("anthropic/claude-3.5-sonnet", json(post(body, "X-Sim-Fault", "fallback")).get("model").asText());
        assertEquals("openai/gpt-4o-mini", json(post(body)).get("model").asText());
    }

    private static JsonNode parse(String json) {
        try {
            return TestHttp.JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
