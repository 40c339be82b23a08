package ai.dexto.gateway.dataplane.chat;

import ai.dexto.gateway.dataplane.models.ModelInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The body the upstream gets, spliced from the client's bytes instead of re-encoded: the client's own
 * {@code usage} member is cut out, and the gateway's members go in — {@code "usage":{"include":true}}
 * (the upstream then reports the cost), an injected {@code max_tokens} when the client gave none, and
 * {@code provider.max_price} at the prices the reservation assumed, so no provider dearer than the
 * listed price can serve the request. Everything else is the client's bytes, as retained slices.
 */
public final class UpstreamBody {
    private static final String USAGE = ",\"usage\":{\"include\":true}";

    private UpstreamBody() {
    }

    /** Builds the upstream body from a body {@link ChatBody#read} accepted; {@code body} stays the caller's. */
    public static ByteBuf build(ByteBufAllocator alloc, ByteBuf body, ChatBody chat, long injectMaxTokens,
                                List<ModelInfo> models) {
        String maxPrice = maxPrice(models);
        // the splices, in body order: [from, to) of the client's bytes is replaced by the text
        List<Splice> splices = new ArrayList<>(4);
        if (chat.providerInside >= 0) {
            splices.add(new Splice(chat.providerInside, chat.providerInside, chat.providerEmpty ? maxPrice : maxPrice + ","));
        }
        if (chat.usageFrom >= 0) {
            splices.add(new Splice(chat.usageFrom, chat.usageTo, ""));
        }
        boolean injectInPlace = injectMaxTokens > 0 && chat.maxTokensNullAt >= 0;
        if (injectInPlace) {
            // "max_tokens": null becomes the limit: appending one would give the upstream two
            splices.add(new Splice(chat.maxTokensNullAt, chat.maxTokensNullAt + 4, Long.toString(injectMaxTokens)));
        }
        StringBuilder tail = new StringBuilder(96);
        if (injectMaxTokens > 0 && !injectInPlace) {
            tail.append(",\"max_tokens\":").append(injectMaxTokens);
        }
        if (chat.providerInside < 0) {
            tail.append(",\"provider\":{").append(maxPrice).append('}');
        }
        tail.append(USAGE);
        splices.add(new Splice(chat.closingBrace, chat.closingBrace, tail.toString()));
        splices.sort(Comparator.comparingInt(Splice::from));
        CompositeByteBuf out = alloc.compositeBuffer(2 * splices.size() + 2);
        int pos = body.readerIndex();
        for (Splice sp : splices) {
            slice(out, body, pos, sp.from());
            if (!sp.text().isEmpty()) {
                out.addComponent(true, Unpooled.wrappedBuffer(sp.text().getBytes(StandardCharsets.US_ASCII)));
            }
            pos = sp.to();
        }
        slice(out, body, pos, body.writerIndex());
        return out;
    }

    private record Splice(int from, int to, String text) {
    }

    private static void slice(CompositeByteBuf out, ByteBuf body, int from, int to) {
        if (to > from) {
            out.addComponent(true, body.retainedSlice(from, to - from));
        }
    }

    /**
     * {@code "max_price":{…}} at the dearest of the models' prices, in OpenRouter's units: USD per
     * million tokens for prompt and completion, USD per request and per image.
     */
    static String maxPrice(List<ModelInfo> models) {
        long prompt = 0;
        long completion = 0;
        long request = 0;
        long image = 0;
        for (int i = 0; i < models.size(); i++) {
            ModelInfo m = models.get(i);
            prompt = Math.max(prompt, m.promptPicoPerToken());
            completion = Math.max(completion, m.outputPicoPerToken());
            request = Math.max(request, m.requestNanos());
            image = Math.max(image, m.imageNanos());
        }
        return "\"max_price\":{\"prompt\":" + perMillion(prompt) + ",\"completion\":" + perMillion(completion)
                + ",\"request\":" + usd(request) + ",\"image\":" + usd(image) + "}";
    }

    /** Pico-USD per token as USD per million tokens: exactly, as a JSON number. */
    private static String perMillion(long picoPerToken) {
        return BigDecimal.valueOf(picoPerToken, 6).stripTrailingZeros().toPlainString();
    }

    private static String usd(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }
}
