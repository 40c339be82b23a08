package ai.dexto.gateway.dataplane.chat;

import ai.dexto.gateway.dataplane.models.ModelInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The body the upstream gets, spliced from the client's bytes instead of re-encoded: the client's own
 * {@code usage} member is cut out, and the gateway's members go in — {@code "usage":{"include":true}}
 * (the upstream then reports the cost), an injected {@code max_tokens} when the client gave none, and
 * {@code provider.max_price} at the prices the reservation assumed, so no provider dearer than the
 * listed price can serve the request. Everything else is the client's bytes, as retained slices.
 */
public final class UpstreamBody {
    private static final byte[] USAGE = ",\"usage\":{\"include\":true}".getBytes(StandardCharsets.US_ASCII);

    private UpstreamBody() {
    }

    /** Builds the upstream body from a body {@link ChatBody#read} accepted; {@code body} stays the caller's. */
    public static ByteBuf build(ByteBufAllocator alloc, ByteBuf body, ChatBody chat, long injectMaxTokens,
                                List<ModelInfo> models) {
        String maxPrice = maxPrice(models);
        CompositeByteBuf out = alloc.compositeBuffer(8);
        int pos = body.readerIndex();
        if (chat.providerInside >= 0 && (chat.usageFrom < 0 || chat.providerInside < chat.usageFrom)) {
            pos = insertIntoProvider(out, body, pos, chat, maxPrice);
        }
        if (chat.usageFrom >= 0) {
            slice(out, body, pos, chat.usageFrom);
            pos = chat.usageTo;
        }
        if (chat.providerInside >= 0 && chat.usageFrom >= 0 && chat.providerInside > chat.usageFrom) {
            pos = insertIntoProvider(out, body, pos, chat, maxPrice);
        }
        slice(out, body, pos, chat.closingBrace);
        StringBuilder tail = new StringBuilder(96);
        if (injectMaxTokens > 0) {
            tail.append(",\"max_tokens\":").append(injectMaxTokens);
        }
        if (chat.providerInside < 0) {
            tail.append(",\"provider\":{").append(maxPrice).append('}');
        }
        if (!tail.isEmpty()) {
            out.addComponent(true, Unpooled.wrappedBuffer(tail.toString().getBytes(StandardCharsets.US_ASCII)));
        }
        out.addComponent(true, Unpooled.wrappedBuffer(USAGE));
        slice(out, body, chat.closingBrace, body.writerIndex());
        return out;
    }

    private static int insertIntoProvider(CompositeByteBuf out, ByteBuf body, int pos, ChatBody chat, String maxPrice) {
        slice(out, body, pos, chat.providerInside);
        String member = chat.providerEmpty ? maxPrice : maxPrice + ",";
        out.addComponent(true, Unpooled.wrappedBuffer(member.getBytes(StandardCharsets.US_ASCII)));
        return chat.providerInside;
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
