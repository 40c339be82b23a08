package ai.dexto.gateway.dataplane.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;

/**
 * The client half of a streamed answer: every upstream buffer goes to the client as it is (retained
 * slices, no copy, no re-encoding) through a {@link ChunkFramer}, while the {@link UsageScanner}
 * reads the cost in place. Our own lines must reach the client before {@code data: [DONE]}, so the
 * bytes from that line on are held back ({@link #relay} says when it was reached), and so are the
 * few bytes of a trailing incomplete line that may still become it. {@link #finish} then writes our
 * lines, what was held, and the end of the chunked body.
 */
final class StreamRelay {
    private final ChannelHandlerContext client;
    private final ChunkFramer framer;
    private final UsageScanner scanner;
    /** A trailing partial line that may become {@code data: [DONE]}. */
    private ByteBuf held;
    /** From {@code data: [DONE]} on: written after our lines. */
    private ByteBuf tail;

    StreamRelay(ChannelHandlerContext client, ChannelHandlerContext codec, UsageScanner scanner) {
        this.client = client;
        this.framer = new ChunkFramer(codec);
        this.scanner = scanner;
    }

    /** Relays (or holds) one upstream buffer, which it owns; true once {@code data: [DONE]} was reached. */
    boolean relay(HttpContent c) {
        ByteBuf buf = c.content();
        if (tail != null) {
            tail = join(tail, buf.retain());
            c.release();
            return true;
        }
        scanner.scanSse(buf);
        if (scanner.holdContinues) {
            held = join(held, buf.retain());
            c.release();
            return false;
        }
        boolean done = scanner.doneAt >= 0 || scanner.doneInPartial;
        if (held == null && scanner.holdFrom < 0 && !done) {
            framer.write(buf.retain());
            c.release();
            return false;
        }
        int ri = buf.readerIndex();
        int cut = scanner.holdFrom >= 0 ? scanner.holdFrom : buf.writerIndex();
        ByteBuf carried = held;
        held = scanner.holdFrom >= 0 ? buf.retainedSlice(cut, buf.writerIndex() - cut) : null;
        if (done) {
            int doneAt = scanner.doneInPartial ? ri : scanner.doneAt;
            if (!scanner.doneInPartial) {
                framer.write(join(carried, buf.retainedSlice(ri, doneAt - ri)));
                carried = null;
            }
            tail = join(carried, buf.retainedSlice(doneAt, cut - doneAt));
            if (held != null) {
                tail = join(tail, held);
                held = null;
            }
        } else {
            framer.write(join(carried, buf.retainedSlice(ri, cut - ri)));
        }
        c.release();
        return done;
    }

    /** Sends what this read batch gathered as one chunk (void promise); call before a flush. */
    void emit() {
        framer.emit();
    }

    /**
     * Writes our lines (each a complete SSE comment line), what was held back, and the end of the
     * body; the returned future completes when the whole answer is on the socket.
     */
    ChannelFuture finish(String ownLines) {
        if (ownLines != null && !ownLines.isEmpty()) {
            framer.write(Unpooled.wrappedBuffer(ownLines.getBytes(StandardCharsets.US_ASCII)));
        }
        if (held != null) {
            framer.write(held);
            held = null;
        }
        if (tail != null) {
            framer.write(tail);
            tail = null;
        }
        framer.finish();
        return client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    /** Ends the stream early with one SSE event (the error) instead of the rest of the answer. */
    ChannelFuture abort(String event) {
        releaseHeld();
        return finish(event);
    }

    private void releaseHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
        if (tail != null) {
            tail.release();
            tail = null;
        }
    }

    /** Gives back every buffer still held (the client is gone). */
    void release() {
        releaseHeld();
        framer.close();
    }

    private static ByteBuf join(ByteBuf first, ByteBuf second) {
        return first == null ? second : Unpooled.wrappedBuffer(first, second);
    }
}
