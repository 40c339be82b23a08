package ai.dexto.gateway.dataplane.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.dataplane.models.ModelInfo;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the strict chat-body parser ({@link ChatBody}) and the splicing
 * rewriter ({@link UpstreamBody}). Input: the client's body, as bytes.
 *
 * <p>Invariants: nothing but a refusal comes out of the parser (no exception), and a refusal says
 * why; an accepted body is one a strict JSON parser (Jackson, duplicate detection on) reads as an
 * object, and the upstream body built from it parses strictly too, as an object with the same
 * {@code model} and {@code messages}, exactly one {@code usage} member ({@code {"include":true}}),
 * the injected {@code max_tokens} when the client gave none, and {@code provider.max_price}.
 * Buffers are released (the module's leak guard checks). Seeds: {@code ChatBodyFuzzTestInputs}.
 */
@Timeout(120)
class ChatBodyFuzzTest {
    static final List<ModelInfo> MODELS = List.of(new ModelInfo("m/x", 150_000, 600_000, 128_000, 16_384));
    static final JsonMapper STRICT = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    static final long INJECT = 77;

    @FuzzTest(maxDuration = "10s")
    void acceptedBodiesSpliceIntoStrictJsonWithTheSameRequest(byte[] input) throws Exception {
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, input.length)).writeBytes(input);
        try {
            ChatBody chat = new ChatBody();
            if (!chat.read(in)) {
                assertTrue(chat.error() != null && !chat.error().isEmpty(), "a refusal says why");
                return;
            }
            JsonNode client = strict(input, "the accepted client body");
            long inject = chat.maxTokens() < 0 ? INJECT : 0;
            ByteBuf out = UpstreamBody.build(PooledByteBufAllocator.DEFAULT, in, chat, inject, MODELS);
            byte[] upstreamBytes = new byte[out.readableBytes()];
            out.getBytes(out.readerIndex(), upstreamBytes);
            out.release();
            JsonNode upstream = strict(upstreamBytes, "the upstream body");
            assertTrue(upstream.isObject());
            assertEquals(client.get("model"), upstream.get("model"), "same model");
            assertEquals(chat.model(), upstream.get("model").asText());
            assertEquals(client.get("messages"), upstream.get("messages"), "same messages");
            assertEquals(1, count(upstreamBytes, "usage"), "exactly one usage member");
            assertEquals(STRICT.readTree("{\"include\":true}"), upstream.get("usage"));
            if (inject > 0) {
                assertEquals(INJECT, upstream.path("max_tokens").asLong(), "the injected limit is the one the upstream reads");
            }
            assertTrue(upstream.path("provider").path("max_price").isObject(), "the price ceiling is set");
        } finally {
            in.release();
        }
    }

    private static JsonNode strict(byte[] json, String what) throws Exception {
        try {
            return STRICT.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(what + " is not strict JSON (" + e.getMessage() + "): "
                    + new String(json, java.nio.charset.StandardCharsets.UTF_8), e);
        }
    }

    /** Top-level members named {@code name} (duplicates would have failed the strict parse already). */
    private static int count(byte[] json, String name) throws Exception {
        int n = 0;
        try (JsonParser p = JsonMapper.builder().build().createParser(json)) {
            p.nextToken();
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                if (p.currentName().equals(name)) {
                    n++;
                }
                p.nextToken();
                p.skipChildren();
            }
        }
        return n;
    }

}
