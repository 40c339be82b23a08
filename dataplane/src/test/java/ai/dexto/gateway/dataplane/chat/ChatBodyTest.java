package ai.dexto.gateway.dataplane.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.dataplane.models.ModelInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ChatBodyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<ModelInfo> MODEL = List.of(new ModelInfo("m/x", 150_000, 600_000, 128_000, 16_384));

    static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    static ChatBody read(String s) {
        ChatBody b = new ChatBody();
        ByteBuf in = buf(s);
        assertTrue(b.read(in), () -> s + " → " + b.error());
        in.release();
        return b;
    }

    static JsonNode upstream(String body, long inject) throws Exception {
        ByteBuf in = buf(body);
        ChatBody b = new ChatBody();
        assertTrue(b.read(in), b::error);
        ByteBuf out = UpstreamBody.build(ByteBufAllocator.DEFAULT, in, b, inject, MODEL);
        try {
            return JSON.readTree(out.toString(StandardCharsets.UTF_8));
        } finally {
            out.release();
            in.release();
        }
    }

    @Test
    void theUpstreamBodyIsTheClientsBytesWithOurMembersSpliced() throws Exception {
        String client = "{\"model\":\"m/x\",\"stream\":true,\"usage\":{\"include\":false},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9\"}],\"temperature\":0.5}";
        ByteBuf in = buf(client);
        ChatBody b = new ChatBody();
        assertTrue(b.read(in));
        assertEquals("m/x", b.model());
        assertTrue(b.stream());
        assertEquals(-1, b.maxTokens());
        ByteBuf out = UpstreamBody.build(ByteBufAllocator.DEFAULT, in, b, 123, MODEL);
        assertEquals("{\"model\":\"m/x\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9\"}],"
                + "\"temperature\":0.5,\"max_tokens\":123,\"provider\":{\"max_price\":{\"prompt\":0.15,\"completion\":0.6,"
                + "\"request\":0,\"image\":0}},\"usage\":{\"include\":true}}", out.toString(StandardCharsets.UTF_8),
                "the client's escapes and order are kept; its usage member is cut");
        out.release();
        in.release();
    }

    @Test
    void theClientsUsageIsCutWhereverItIs() throws Exception {
        for (String body : new String[] {
                "{\"usage\":{\"include\":false},\"model\":\"m/x\",\"messages\":[{}]}",
                "{\"model\":\"m/x\",\"messages\":[{}], \"usage\" : {\"include\":false} }",
                "{\"model\":\"m/x\",\"usage\":true,\"messages\":[{}]}"}) {
            JsonNode up = upstream(body, 0);
            assertEquals(true, up.at("/usage/include").asBoolean(), body);
            assertEquals(4, up.size(), body + " → " + up); // model, messages, provider, usage
        }
    }

    @Test
    void aClientProviderObjectGetsTheMaxPriceAndKeepsItsFields() throws Exception {
        JsonNode up = upstream("{\"model\":\"m/x\",\"provider\":{\"sort\":\"price\"},\"messages\":[{}]}", 0);
        assertEquals("price", up.at("/provider/sort").asText());
        assertEquals(0.6, up.at("/provider/max_price/completion").asDouble());
        JsonNode empty = upstream("{\"model\":\"m/x\",\"provider\":{},\"usage\":{},\"messages\":[{}]}", 5);
        assertEquals(0.15, empty.at("/provider/max_price/prompt").asDouble());
        assertEquals(5, empty.path("max_tokens").asInt());
    }

    @Test
    void costChangingFieldsAreRead() {
        ChatBody b = read("{\"model\":\"m/x\",\"models\":[\"a/b\",\"c/d\"],\"max_tokens\":7,\"max_completion_tokens\":9,"
                + "\"plugins\":[{\"id\":\"web\",\"max_results\":3}],\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"hi\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}},"
                + "{\"type\":\"input_audio\",\"input_audio\":{}}]}]}");
        assertEquals(List.of("a/b", "c/d"), b.fallbacks());
        assertEquals(9, b.maxTokens(), "the larger of max_tokens and max_completion_tokens bounds the completion");
        assertEquals(1, b.images());
        assertEquals(1, b.otherMedia());
        assertTrue(b.hasMedia());
        assertEquals(1, b.webSearches());
        assertEquals(3, b.webResults());
    }

    @Test
    void unpricedOrAmbiguousRequestsAreRefusedWithAReason() {
        String[][] cases = {
                {"{\"model\":\"m\",\"model\":\"n\",\"messages\":[{}]}", "duplicate key"},
                {"{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"role\":\"system\"}]}", "duplicate key"},
                {"{\"model\":\"m\",\"n\":2,\"messages\":[{}]}", "n other than 1"},
                {"{\"model\":\"m\",\"plugins\":[{\"id\":\"file-parser\"}],\"messages\":[{}]}", "web plugin"},
                {"{\"model\":\"m\",\"provider\":{\"max_price\":{}},\"messages\":[{}]}", "max_price"},
                {"{\"model\":\"m\",\"prediction\":{},\"messages\":[{}]}", "prediction"},
        };
        for (String[] c : cases) {
            ChatBody b = new ChatBody();
            ByteBuf in = buf(c[0]);
            assertFalse(b.read(in), c[0]);
            assertTrue(b.error().contains(c[1]), c[0] + " → " + b.error());
            in.release();
        }
    }

    @Test
    void invalidBodiesSayWhy() {
        String[] bad = {"", "nope", "[]", "{\"model\":1,\"messages\":[{}]}", "{\"model\":\"m\"}",
                "{\"model\":\"m\",\"messages\":[]}", "{\"model\":\"m\",\"messages\":[1]}",
                "{\"model\":\"m\",\"messages\":[{}],\"max_tokens\":0}", "{\"model\":\"m\",\"messages\":[{}],\"stream\":\"yes\"}",
                "{\"model\":\"m\",\"messages\":[{}]} trailing", "{\"model\":\"m\",\"messages\":[{}]"};
        for (String s : bad) {
            ChatBody b = new ChatBody();
            assertFalse(b.read(buf(s)), s);
            assertTrue(b.error() != null && !b.error().isEmpty());
        }
    }

    @Test
    void onlyUtf8JsonTextIsAccepted() {
        byte[][] bad = {
                {'{', '"', 'm', (byte) 0xC3, '"', '}'},                       // truncated sequence
                {'{', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'},               // overlong '/'
                {'{', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'},  // a surrogate
                {'{', 0, '"', 0},                                             // UTF-16
                {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'},            // a byte-order mark
        };
        for (byte[] b : bad) {
            assertFalse(Utf8.isValidJsonText(Unpooled.wrappedBuffer(b)), java.util.Arrays.toString(b));
        }
        assertTrue(Utf8.isValidJsonText(buf("{\"content\":\"héllo 😀 世界, a longer ascii run to cross a word\"}")));
    }
}
