package ai.dexto.gateway.dataplane.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.dexto.gateway.common.money.Money;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the in-place SSE usage scanner against a reference parse. The input
 * shapes an OpenRouter-like stream (token events with arbitrary text, comments, CRLF or LF, a usage
 * event with its fields in either order, the cost plain, in exponent form or quoted, a BYOK charge)
 * and the reads it arrives in (1 to 64 bytes each).
 *
 * <p>Invariant: the scanner's cost, BYOK charge, tokens, generation id, event count and
 * {@code [DONE]} equal what Jackson reads from the same bytes, line by line, however they are cut.
 * Seeds: {@code UsageScannerFuzzTestInputs}.
 */
@Timeout(120)
class UsageScannerFuzzTest {
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @FuzzTest(maxDuration = "10s")
    void theScannerReadsWhatJacksonReadsHoweverTheStreamIsCut(byte[] input) throws Exception {
        if (input.length < 12) {
            return;
        }
        int flags = input[1] & 0xFF;
        String eol = (flags & 1) != 0 ? "\r\n" : "\n";
        long costNanos = ((input[2] & 0xFFL) << 24 | (input[3] & 0xFFL) << 16 | (input[4] & 0xFFL) << 8 | (input[5] & 0xFFL));
        long byokNanos = (input[6] & 0xFFL) << 8 | (input[7] & 0xFFL);
        int prompt = (input[8] & 0xFF) << 8 | (input[9] & 0xFF);
        int completion = (input[10] & 0xFF) << 8 | (input[11] & 0xFF);
        String text = new String(input, 12, input.length - 12, StandardCharsets.UTF_8);

        StringBuilder sse = new StringBuilder(": OPENROUTER PROCESSING").append(eol).append(eol);
        for (String piece : text.split("\u0001", 8)) {
            ObjectNode event = JSON.createObjectNode().put("id", "gen-fuzz");
            event.putArray("choices").addObject().putObject("delta").put("content", piece);
            sse.append("data: ").append(JSON.writeValueAsString(event)).append(eol).append(eol);
            if ((flags & 4) != 0) {
                sse.append(": keep-alive").append(eol).append(eol);
            }
        }
        if ((flags & 2) != 0) {
            String cost = number(costNanos, flags);
            String byok = (flags & 16) != 0 ? number(byokNanos, flags >> 1) : "null";
            String tokens = "\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion;
            String money = "\"cost\":" + cost + ",\"cost_details\":{\"upstream_inference_cost\":" + byok + "}";
            String usage = (flags & 64) != 0 ? money + "," + tokens : tokens + "," + money;
            sse.append("data: {\"id\":\"gen-fuzz\",\"choices\":[],\"usage\":{").append(usage).append("}}").append(eol).append(eol);
        }
        sse.append("data: [DONE]").append(eol).append(eol);
        byte[] bytes = sse.toString().getBytes(StandardCharsets.UTF_8);

        UsageScanner scanner = new UsageScanner();
        try {
            int at = 0;
            int i = 0;
            while (at < bytes.length) {
                int size = 1 + (input[i++ % input.length] & 0x3F);
                int n = Math.min(size, bytes.length - at);
                ByteBuf read = Unpooled.wrappedBuffer(bytes, at, n);
                scanner.scanSse(read);
                at += n;
            }
            Reference ref = reference(bytes);
            assertEquals(ref.cost, scanner.costNanos, "cost");
            assertEquals(ref.byok, scanner.upstreamInferenceNanos, "BYOK charge");
            assertEquals(ref.prompt, scanner.promptTokens, "prompt tokens");
            assertEquals(ref.completion, scanner.completionTokens, "completion tokens");
            assertEquals(ref.dataEvents, scanner.dataEvents, "data events");
            assertEquals("gen-fuzz", scanner.generationId.toString());
            assertEquals(true, scanner.doneSeen);
        } finally {
            scanner.release();
        }
    }

    /** A decimal USD amount of {@code nanos}: plain, in exponent form, or quoted, as the flags say. */
    private static String number(long nanos, int flags) {
        BigDecimal usd = BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
        String s = (flags & 8) != 0 ? String.format(java.util.Locale.ROOT, "%.6e", usd) : usd.toPlainString();
        if ((flags & 8) != 0 && new BigDecimal(s).compareTo(usd) != 0) {
            s = usd.toPlainString(); // the exponent form would round: keep the amount exact
        }
        return (flags & 32) != 0 ? "\"" + s + "\"" : s;
    }

    record Reference(long cost, long byok, long prompt, long completion, int dataEvents) {
    }

    /** Each {@code data:} line read by Jackson; the last usage object's fields win, as in the stream. */
    private static Reference reference(byte[] bytes) throws Exception {
        long cost = -1;
        long byok = 0;
        long prompt = -1;
        long completion = -1;
        int events = 0;
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (!l.startsWith("data:") || l.startsWith("data: [DONE]")) {
                continue;
            }
            events++;
            JsonNode usage = JSON.readTree(l.substring(5)).path("usage");
            if (usage.isObject()) {
                cost = Money.parseUsd(new BigDecimal(usage.path("cost").asText()).toPlainString());
                JsonNode b = usage.path("cost_details").path("upstream_inference_cost");
                byok = b.isNull() || b.isMissingNode() ? 0 : Money.parseUsd(new BigDecimal(b.asText()).toPlainString());
                prompt = usage.path("prompt_tokens").asLong();
                completion = usage.path("completion_tokens").asLong();
            }
        }
        return new Reference(cost, byok, prompt, completion, events);
    }
}
