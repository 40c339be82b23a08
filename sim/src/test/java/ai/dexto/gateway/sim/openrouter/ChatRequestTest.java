package ai.dexto.gateway.sim.openrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChatRequestTest {
    private static ByteBuf body(String json) {
        return Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
    }

    static final Model TEXT_MODEL = new ModelCatalogue().find("openai/gpt-4o-mini");

    @Test
    void promptTokensAreQuarterBytesPlusFourPerMessage() {
        ChatRequest request = ChatRequest.parse(body(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"12345678\"},"
                        + "{\"role\":\"user\",\"content\":\"123456789\"}]}"));
        assertEquals((2 + 4) + (3 + 4), request.promptTokens(TEXT_MODEL));
    }

    @Test
    void mediaCountsTokensBeyondTheBodyUpToTheContext() {
        ChatRequest request = ChatRequest.parse(body("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"1234\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}"));
        assertEquals(1, request.images());
        assertEquals(1 + 4 + ChatRequest.IMAGE_TOKENS, request.promptTokens(TEXT_MODEL),
                "an image's tokens are not bounded by the bytes that name it");
        Model small = new Model("s", "s", "P", 100, 10, BigDecimal.ONE, BigDecimal.ONE, false);
        assertEquals(100, request.promptTokens(small));
    }

    @Test
    void promptTokensNeverExceedTheBodyLength() {
        String[] bodies = {
            "{\"model\":\"m\",\"messages\":[{\"content\":\"\"}]}",
            "{\"model\":\"m\",\"messages\":[{},{},{},{},{},{},{},{}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"ééééééééé😀😀😀漢字漢字\"}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi there\"}]}]}",
        };
        for (String json : bodies) {
            int length = json.getBytes(StandardCharsets.UTF_8).length;
            ChatRequest request = ChatRequest.parse(body(json));
            assertTrue(request.promptTokens(TEXT_MODEL) <= length, json);
            assertTrue(request.promptTokens(TEXT_MODEL) > 0, json);
        }
    }

    @Test
    void usageAccountingIsRequestedEitherWay() {
        assertTrue(ChatRequest.parse(body("{\"model\":\"m\",\"messages\":[{}],\"usage\":{\"include\":true}}"))
                .usageRequested());
        assertTrue(ChatRequest.parse(body(
                "{\"model\":\"m\",\"messages\":[{}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}"))
                .usageRequested());
        assertFalse(ChatRequest.parse(body("{\"model\":\"m\",\"messages\":[{}]}")).usageRequested());
    }

    @Test
    void maxTokensOrMaxCompletionTokensIsRead() {
        assertEquals(7, ChatRequest.parse(body("{\"model\":\"m\",\"messages\":[{}],\"max_tokens\":7}")).maxTokens());
        assertEquals(9, ChatRequest.parse(body("{\"model\":\"m\",\"messages\":[{}],\"max_completion_tokens\":9}"))
                .maxTokens());
        assertEquals(-1, ChatRequest.parse(body("{\"model\":\"m\",\"messages\":[{}]}")).maxTokens());
        assertThrows(IllegalArgumentException.class,
                () -> ChatRequest.parse(body("{\"model\":\"m\",\"messages\":[{}],\"max_tokens\":0}")));
    }

    @Test
    void malformedOrIncompleteBodiesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ChatRequest.parse(body("{\"model\":")));
        assertThrows(IllegalArgumentException.class, () -> ChatRequest.parse(body("[]")));
        assertThrows(IllegalArgumentException.class, () -> ChatRequest.parse(body("{\"model\":\"m\"}")));
        assertThrows(IllegalArgumentException.class, () -> ChatRequest.parse(body("{\"messages\":[{}]}")));
    }
}
