package ai.dexto.gateway.dataplane.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Writes a streamed answer's chunked framing itself, below the HTTP encoder, so relaying a buffer
 * costs no allocation: Netty's encoder builds each chunk header from a {@code String} and a duplicate
 * of its CRLF buffer, while here the header ({@code [CRLF] hex-length CRLF}) is written into a pooled
 * buffer and the upstream's bytes follow untouched. The CRLF ending a chunk travels at the start of the
 * next header; {@link #finish} writes the last one and hands the terminator to the encoder (which also
 * resets its state for the next response on the connection).
 */
public final class ChunkFramer {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final int ARENA_BYTES = 2048;

    private final ChannelHandlerContext below;
    private ByteBuf arena;
    private boolean open;

    /** @param below the context of the HTTP codec: writes from it skip the encoder and go to the socket side */
    public ChunkFramer(ChannelHandlerContext below) {
        this.below = below;
    }

    /** Frames and writes one non-empty buffer (ownership passes); the void promise, no allocation. */
    public void write(ByteBuf content) {
        int length = content.readableBytes();
        if (length == 0) {
            content.release();
            return;
        }
        ByteBuf header = arena(12);
        int at = header.writerIndex();
        if (open) {
            header.writeShort(('\r' << 8) | '\n');
        }
        int shift = 28;
        while (shift > 0 && (length >>> shift) == 0) {
            shift -= 4;
        }
        for (; shift >= 0; shift -= 4) {
            header.writeByte(HEX[(length >>> shift) & 0xF]);
        }
        header.writeShort(('\r' << 8) | '\n');
        below.write(header.retainedSlice(at, header.writerIndex() - at), below.voidPromise());
        below.write(content, below.voidPromise());
        open = true;
    }

    /**
     * Headers are written into one pooled buffer and sent as retained slices of it (a slice of a pooled
     * buffer is a recycled object). When it is full and no slice is still in flight it is reused, else
     * replaced; in steady state (each read batch flushed) it is reused indefinitely.
     */
    private ByteBuf arena(int need) {
        if (arena != null && arena.writableBytes() < need && arena.refCnt() == 1) {
            // Every slice has been written and released: start over in the same buffer.
            arena.clear();
        }
        if (arena == null || arena.writableBytes() < need) {
            if (arena != null) {
                arena.release();
            }
            ByteBufAllocator alloc = below.alloc();
            arena = alloc.directBuffer(ARENA_BYTES, ARENA_BYTES);
        }
        return arena;
    }

    /** Gives back the header buffer; slices still in flight keep their own references. */
    public void close() {
        if (arena != null) {
            arena.release();
            arena = null;
        }
    }

    /** Ends the last chunk; the caller then writes {@link LastHttpContent#EMPTY_LAST_CONTENT} through the encoder. */
    public void finish() {
        if (open) {
            open = false;
            ByteBuf b = arena(2);
            int at = b.writerIndex();
            b.writeShort(('\r' << 8) | '\n');
            below.write(b.retainedSlice(at, 2), below.voidPromise());
        }
        close();
    }
}
