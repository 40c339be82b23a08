package ai.dexto.gateway.dataplane.credit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChatBodyTest {
    static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Test
    void rewriteAsksForUsageAndInjectsMaxTokens() {
        ChatBody b = new ChatBody();
        assertTrue(b.read(buf("{\"model\":\"m/x\",\"stream\":true,\"usage\":{\"include\":false},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9\"}],\"temperature\":0.5}"),
                ByteBufAllocator.DEFAULT));
        assertEquals("m/x", b.model());
        assertTrue(b.stream());
        assertEquals(-1, b.maxTokens());
        assertEquals(1, b.messages());
        ByteBuf out = b.finish(123);
        assertEquals("{\"model\":\"m/x\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hé\"}],"
                + "\"temperature\":0.5,\"max_tokens\":123,\"usage\":{\"include\":true}}", out.toString(StandardCharsets.UTF_8));
        out.release();
    }

    @Test
    void clientMaxTokensIsKeptAndNotInjected() {
        ChatBody b = new ChatBody();
        assertTrue(b.read(buf("{\"model\":\"m\",\"max_completion_tokens\":7,\"messages\":[{}]}"), ByteBufAllocator.DEFAULT));
        assertEquals(7, b.maxTokens());
        ByteBuf out = b.finish(0);
        assertEquals("{\"model\":\"m\",\"max_completion_tokens\":7,\"messages\":[{}],\"usage\":{\"include\":true}}",
                out.toString(StandardCharsets.UTF_8));
        out.release();
    }

    @Test
    void invalidBodiesSayWhy() {
        String[] bad = {"", "nope", "[]", "{\"model\":1,\"messages\":[{}]}", "{\"model\":\"m\"}",
                "{\"model\":\"m\",\"messages\":[]}", "{\"model\":\"m\",\"messages\":[1]}",
                "{\"model\":\"m\",\"messages\":[{}],\"max_tokens\":0}", "{\"model\":\"m\",\"messages\":[{}],\"stream\":\"yes\"}",
                "{\"model\":\"m\",\"messages\":[{}]} trailing", "{\"model\":\"m\",\"messages\":[{}]"};
        for (String s : bad) {
            ChatBody b = new ChatBody();
            assertFalse(b.read(buf(s), ByteBufAllocator.DEFAULT), s);
            assertTrue(b.error() != null && !b.error().isEmpty());
        }
    }
}
