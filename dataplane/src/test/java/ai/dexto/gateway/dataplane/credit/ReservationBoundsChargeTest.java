package ai.dexto.gateway.dataplane.credit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.dataplane.chat.ChatBody;
import ai.dexto.gateway.dataplane.chat.UpstreamBody;
import ai.dexto.gateway.dataplane.models.ModelCatalog;
import ai.dexto.gateway.dataplane.models.ModelInfo;
import ai.dexto.gateway.sim.openrouter.ChatRequest;
import ai.dexto.gateway.sim.openrouter.Extras;
import ai.dexto.gateway.sim.openrouter.Model;
import ai.dexto.gateway.sim.openrouter.Usage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reservation bounds the charge: over random request bodies (text of any script, images, audio,
 * fallback lists, web search by plugin, option or {@code :online}, with and without a completion limit)
 * and random prices for every field the upstream lists, what the gateway reserves is never less than
 * what the simulator — OpenRouter's stand-in, sharing its pricing rules — charges for the body the
 * gateway actually sends. The gateway's prices come from a {@code /models} document parsed by its own
 * catalogue, the sim's from the same decimal strings. Replay a failure with {@code -Dreservation.seed=N}.
 */
@Timeout(120)
class ReservationBoundsChargeTest {
    static final int CASES = Integer.getInteger("reservation.cases", 5_000);
    static final BigDecimal WEB_RESULT = new BigDecimal("0.004");

    @Test
    void theReservationIsNeverLessThanTheUpstreamCharge() throws Exception {
        long seed = Long.getLong("reservation.seed", System.nanoTime());
        Random random = new Random(seed);
        CreditPolicy policy = new CreditPolicy(random.nextInt(3) * 500, Money.parseUsd(WEB_RESULT.toPlainString()));
        long worstRatio = Long.MAX_VALUE;
        for (int i = 0; i < CASES; i++) {
            long caseSeed = random.nextLong();
            long[] slack = check(new Random(caseSeed), policy, seed, i, caseSeed);
            worstRatio = Math.min(worstRatio, slack[0] == 0 ? Long.MAX_VALUE : slack[1] * 100 / slack[0]);
        }
        System.out.println("reservation/charge over " + CASES + " cases (seed " + seed + "): tightest case reserved "
                + (worstRatio == Long.MAX_VALUE ? "n/a" : worstRatio + "%") + " of the charge");
    }

    /** One case; returns {charge, reservation} in nanos. */
    private long[] check(Random r, CreditPolicy policy, long seed, int index, long caseSeed) throws Exception {
        int modelCount = 1 + (r.nextInt(4) == 0 ? r.nextInt(3) : 0);
        List<Model> simModels = new ArrayList<>();
        StringBuilder doc = new StringBuilder("{\"data\":[");
        for (int m = 0; m < modelCount; m++) {
            Model model = randomModel(r, "p/m" + m);
            simModels.add(model);
            doc.append(m == 0 ? "" : ",").append(json(model));
        }
        ModelCatalog catalog = new ModelCatalog(null, "http://unused");
        catalog.install(doc.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        List<ModelInfo> priced = new ArrayList<>();
        boolean online = r.nextInt(6) == 0;
        for (Model m : simModels) {
            priced.add(catalog.find(m.id()));
        }
        String body = randomBody(r, simModels, online);
        ByteBuf in = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        ChatBody chat = new ChatBody();
        if (!chat.read(in)) {
            in.release();
            return new long[] {0, 0}; // refused bodies reserve nothing and reach no upstream
        }
        if (online) {
            chat.onlineModel();
        }
        ChatPrice price = new ChatPrice(in.readableBytes(), chat.hasMedia(), chat.images(), chat.webSearches(),
                chat.webResults());
        long balance = Money.ofUsd(1 + r.nextInt(50));
        long maxTokens = chat.maxTokens();
        long inject = 0;
        if (maxTokens < 0) {
            inject = policy.affordableTokens(priced, price, balance);
            if (inject < 1) {
                in.release();
                return new long[] {0, 0}; // a 402: nothing reaches the upstream
            }
            maxTokens = inject;
        }
        long reserved = policy.worstCase(priced, price, maxTokens);
        ByteBuf upstream = UpstreamBody.build(ByteBufAllocator.DEFAULT, in, chat, inject, priced);
        ChatRequest seen = ChatRequest.parse(upstream);
        upstream.release();
        in.release();
        long worstCharge = 0;
        for (Model m : simModels) { // the upstream may answer from any model of the list
            if (seen.maxPrice() != null && !allows(seen, m)) {
                continue;
            }
            int completion = Math.min(seen.maxTokens(), Math.min(1 + r.nextInt(1 << 15), m.maxCompletionTokens()));
            Usage u = Usage.of(m, seen.promptTokens(m), completion, false,
                    new Extras(seen.images(), seen.webResults(), WEB_RESULT));
            long charge = u.cost().setScale(9, RoundingMode.CEILING).unscaledValue().longValueExact();
            long billed = policy.billed(charge);
            assertTrue(billed <= reserved, () -> "case " + index + " (seed " + seed + ", case seed " + caseSeed
                    + "): reserved " + Money.format(reserved) + " but the upstream charged " + Money.format(billed)
                    + " for " + body);
            worstCharge = Math.max(worstCharge, billed);
        }
        return new long[] {worstCharge, reserved};
    }

    private static boolean allows(ChatRequest seen, Model m) {
        return seen.maxPrice().allows(m);
    }

    private static Model randomModel(Random r, String id) {
        boolean reasoning = r.nextBoolean();
        return new Model(id, id, "P", 1_000 + r.nextInt(200_000), 1 + r.nextInt(32_768), price(r, 6, 12),
                price(r, 5, 12), reasoning, r.nextInt(3) == 0 ? price(r, 2, 6) : BigDecimal.ZERO,
                r.nextInt(3) == 0 ? price(r, 2, 6) : BigDecimal.ZERO, r.nextInt(3) == 0 ? price(r, 2, 5) : BigDecimal.ZERO,
                reasoning && r.nextBoolean() ? price(r, 5, 12) : BigDecimal.ZERO);
    }

    /** A random positive decimal with {@code minScale..maxScale} digits after the point. */
    private static BigDecimal price(Random r, int minScale, int maxScale) {
        int scale = minScale + r.nextInt(maxScale - minScale + 1);
        return BigDecimal.valueOf(1 + r.nextInt(99_999), scale);
    }

    private static String json(Model m) {
        return "{\"id\":\"" + m.id() + "\",\"context_length\":" + m.contextLength() + ",\"pricing\":{\"prompt\":\""
                + m.promptPrice().toPlainString() + "\",\"completion\":\"" + m.completionPrice().toPlainString()
                + "\",\"request\":\"" + m.requestPrice().toPlainString() + "\",\"image\":\""
                + m.imagePrice().toPlainString() + "\",\"web_search\":\"" + m.webSearchPrice().toPlainString()
                + "\",\"internal_reasoning\":\"" + m.internalReasoningPrice().toPlainString()
                + "\"},\"top_provider\":{\"max_completion_tokens\":" + m.maxCompletionTokens() + "}}";
    }

    private static String randomBody(Random r, List<Model> models, boolean online) {
        StringBuilder b = new StringBuilder("{\"model\":\"").append(models.get(0).id()).append(online ? ":online" : "")
                .append('"');
        if (models.size() > 1) {
            b.append(",\"models\":[");
            for (int i = 1; i < models.size(); i++) {
                b.append(i == 1 ? "" : ",").append('"').append(models.get(i).id()).append('"');
            }
            b.append(']');
        }
        if (r.nextBoolean()) {
            b.append(r.nextBoolean() ? ",\"max_tokens\":" : ",\"max_completion_tokens\":").append(1 + r.nextInt(40_000));
        }
        if (r.nextInt(4) == 0) {
            b.append(",\"plugins\":[{\"id\":\"web\"").append(r.nextBoolean() ? ",\"max_results\":" + (1 + r.nextInt(20)) : "")
                    .append("}]");
        }
        if (r.nextInt(8) == 0) {
            b.append(",\"web_search_options\":{\"search_context_size\":\"high\"}");
        }
        if (r.nextInt(4) == 0) {
            b.append(",\"usage\":{\"include\":false}");
        }
        if (r.nextInt(4) == 0) {
            b.append(",\"provider\":{\"sort\":\"price\"}");
        }
        b.append(",\"messages\":[");
        int messages = 1 + r.nextInt(4);
        for (int i = 0; i < messages; i++) {
            b.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":");
            if (r.nextInt(3) == 0) {
                b.append("[{\"type\":\"text\",\"text\":\"").append(text(r)).append("\"}");
                int parts = r.nextInt(3);
                for (int p = 0; p < parts; p++) {
                    b.append(r.nextBoolean() ? ",{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/i.png\"}}"
                            : ",{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAAA\",\"format\":\"wav\"}}");
                }
                b.append(']');
            } else {
                b.append('"').append(text(r)).append('"');
            }
            b.append('}');
        }
        return b.append("]}").toString();
    }

    private static String text(Random r) {
        String[] alphabets = {"abc def ", "é ü ß ", "世界你好", "😀🚀", "\\n\\t\\\" "};
        StringBuilder t = new StringBuilder();
        int n = r.nextInt(400);
        for (int i = 0; i < n; i++) {
            String a = alphabets[r.nextInt(alphabets.length)];
            int at = r.nextInt(a.length());
            char c = a.charAt(at);
            if (Character.isHighSurrogate(c) && at + 1 < a.length()) {
                t.append(c).append(a.charAt(at + 1));
            } else if (c == '\\' && at + 1 < a.length()) {
                t.append(c).append(a.charAt(at + 1));
            } else if (!Character.isLowSurrogate(c)) {
                t.append(c);
            }
        }
        return t.toString();
    }
}
