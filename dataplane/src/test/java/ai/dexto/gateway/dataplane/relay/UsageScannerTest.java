package ai.dexto.gateway.dataplane.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class UsageScannerTest {
    static final String STREAM = ": OPENROUTER PROCESSING\n\n"
            + "data: {\"id\":\"gen-1-abc\",\"choices\":[{\"delta\":{\"content\":\"Hi \\\"usage\\\":{\"}}]}\n\n"
            + "data: {\"id\":\"gen-1-abc\",\"choices\":[{\"delta\":{\"content\":\"!\"}}]}\n\n"
            + "data: {\"id\":\"gen-1-abc\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,"
            + "\"total_tokens\":14,\"cost\":0.0000126,\"is_byok\":true,\"prompt_tokens_details\":{\"cached_tokens\":3},"
            + "\"cost_details\":{\"upstream_inference_cost\":1.5e-05},\"completion_tokens_details\":{\"reasoning_tokens\":1}}}\n\n"
            + "data: [DONE]\n\n";

    static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Test
    void findsUsageCostAndDoneInOneBuffer() {
        UsageScanner s = new UsageScanner();
        ByteBuf b = ascii(STREAM);
        s.scanSse(b);
        assertEquals("gen-1-abc", s.generationId.toString());
        assertEquals(12, s.promptTokens);
        assertEquals(2, s.completionTokens);
        assertEquals(1, s.reasoningTokens);
        assertEquals(3, s.cachedTokens);
        assertEquals(Money.parseUsd("0.0000126"), s.costNanos);
        assertEquals(Money.parseUsd("0.000015"), s.upstreamInferenceNanos);
        assertEquals(Money.parseUsd("0.0000276"), s.upstreamChargeNanos());
        assertEquals(STREAM.indexOf("data: [DONE]"), s.doneAt);
        assertEquals(3, s.dataEvents);
        s.release();
    }

    @Test
    void everySplitPointGivesTheSameAnswer() {
        for (int cut = 1; cut < STREAM.length(); cut++) {
            UsageScanner s = new UsageScanner();
            ByteBuf a = ascii(STREAM.substring(0, cut));
            ByteBuf b = ascii(STREAM.substring(cut));
            s.scanSse(a);
            int doneA = s.doneAt;
            int holdA = s.holdFrom;
            s.scanSse(b);
            assertEquals(Money.parseUsd("0.0000126"), s.costNanos, "cut " + cut);
            assertEquals(12, s.promptTokens, "cut " + cut);
            int done = STREAM.indexOf("data: [DONE]");
            if (cut <= done) {
                assertEquals(done - cut, s.doneAt, "cut " + cut);
            } else {
                assertTrue(doneA == done || (holdA == done && s.doneInPartial), "cut " + cut);
            }
            s.release();
        }
    }

    @Test
    void wholeJsonAnswerIsScanned() {
        UsageScanner s = new UsageScanner();
        s.scanJson(ascii("{\"id\":\"gen-9\",\"choices\":[{\"message\":{\"content\":\"\\\"usage\\\":{\\\"cost\\\":9}\"}}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6,\"cost\":0,\"cost_details\":{\"upstream_inference_cost\":null}}}"));
        assertEquals("gen-9", s.generationId.toString());
        assertEquals(0, s.costNanos);
        assertEquals(0, s.upstreamInferenceNanos);
        assertTrue(s.usageSeen());
        s.release();
    }

    @Test
    void noUsageMeansUnknownCost() {
        UsageScanner s = new UsageScanner();
        s.scanSse(ascii("data: {\"id\":\"g\",\"choices\":[]}\n\n"));
        assertFalse(s.usageSeen());
        assertEquals(-1, s.upstreamChargeNanos());
        s.release();
    }

    @Test
    void usageFieldsAreReadWhateverTheirOrderQuotingAndNesting() {
        UsageScanner s = new UsageScanner();
        // keys after the usage object must not be taken for its own; a quoted cost still parses
        s.scanJson(ascii("{\"id\":\"gen-7\",\"usage\":{\"cost_details\":{\"upstream_inference_cost\":\"0.000002\"},"
                + "\"cost\":\"0.0000125\",\"completion_tokens_details\":{\"reasoning_tokens\":3},"
                + "\"prompt_tokens_details\":{\"cached_tokens\":4},\"is_byok\":true,\"completion_tokens\":9,"
                + "\"prompt_tokens\":11},\"extra\":{\"prompt_tokens\":99,\"cost\":5}}"));
        assertEquals("gen-7", s.generationId.toString());
        assertEquals(11, s.promptTokens);
        assertEquals(9, s.completionTokens);
        assertEquals(3, s.reasoningTokens);
        assertEquals(4, s.cachedTokens);
        assertEquals(12_500, s.costNanos);
        assertEquals(2_000, s.upstreamInferenceNanos);
        assertEquals(14_500, s.upstreamChargeNanos());
        s.release();
    }
}
