package ai.dexto.gateway.dataplane.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.HttpContent;

/**
 * A whole upstream answer gathered before the client gets it: a non-streamed completion (its cost
 * is in its last bytes and goes into our headers), or an error's body (kept only up to
 * {@value #MAX_ERROR_BYTES} bytes, for its message). Buffers are gathered as components, not copied.
 */
final class WholeAnswer {
    static final int MAX_ERROR_BYTES = 64 * 1024;
    /** Larger than any completion the catalogue's limits allow; guards against an upstream that never stops. */
    static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;

    private final CompositeByteBuf body;
    private final int limit;
    private boolean truncated;

    WholeAnswer(ByteBufAllocator alloc, boolean ok) {
        this.body = alloc.compositeBuffer(1024);
        this.limit = ok ? MAX_ANSWER_BYTES : MAX_ERROR_BYTES;
    }

    /** Takes one part (releasing it); false when the answer outgrew its limit. */
    boolean add(HttpContent c) {
        ByteBuf b = c.content();
        if (b.isReadable() && body.readableBytes() + b.readableBytes() <= limit) {
            body.addComponent(true, b.retain());
        } else if (b.isReadable()) {
            truncated = true;
        }
        c.release();
        return !truncated;
    }

    ByteBuf body() {
        return body;
    }

    /** Whether it ends like a JSON object (a cut-off answer does not). */
    boolean wellFormed() {
        for (int i = body.writerIndex() - 1; i >= body.readerIndex(); i--) {
            byte c = body.getByte(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return c == '}' && !truncated;
            }
        }
        return false;
    }

    /** The upstream error's own message, for ours (at most 200 characters). */
    String upstreamMessage() {
        String s = body.toString(java.nio.charset.StandardCharsets.UTF_8);
        int at = s.indexOf("\"message\":\"");
        if (at < 0) {
            return "no detail";
        }
        int end = s.indexOf('"', at + 11);
        return s.substring(at + 11, end < 0 ? Math.min(s.length(), at + 211) : Math.min(end, at + 211));
    }

    void release() {
        if (body.refCnt() > 0) {
            body.release();
        }
    }
}
