package ai.dexto.gateway.dataplane.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Writes a streamed answer's chunked framing itself, below the HTTP encoder, so relaying a buffer
 * costs no allocation: Netty's encoder builds each chunk header from a {@code String} and a duplicate
 * of its CRLF buffer, while here the header ({@code [CRLF] hex-length CRLF}) is written into a pooled
 * buffer and the upstream's bytes follow untouched. The CRLF ending a chunk travels at the start of the
 * next header; {@link #finish} writes the last one and hands the terminator to the encoder (which also
 * resets its state for the next response on the connection).
 *
 * <p>Buffers written during one upstream read batch are gathered (without copying, as components of
 * one composite) and go out as a single chunk at {@link #emit}: an upstream that sends twenty SSE
 * events in one packet costs one chunk header and two writes instead of forty. Chunk boundaries carry
 * no meaning in HTTP, and SSE is framed by its own blank lines.
 */
public final class ChunkFramer {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final int ARENA_BYTES = 2048;

    private final ChannelHandlerContext below;
    /** Gathered buffers never exceed this many components: a composite past its limit would copy. */
    private static final int MAX_GATHERED = 256;

    private ByteBuf arena;
    private ByteBuf pending;
    private boolean open;

    /** @param below the context of the HTTP codec: writes from it skip the encoder and go to the socket side */
    public ChunkFramer(ChannelHandlerContext below) {
        this.below = below;
    }

    /** Gathers a buffer (ownership passes) for the next {@link #emit}. */
    public void write(ByteBuf content) {
        if (!content.isReadable()) {
            content.release();
            return;
        }
        if (pending == null) {
            pending = content;
            return;
        }
        CompositeByteBuf gathered;
        if (pending instanceof CompositeByteBuf c) {
            gathered = c;
        } else {
            gathered = below.alloc().compositeDirectBuffer(MAX_GATHERED);
            gathered.addComponent(true, pending);
            pending = gathered;
        }
        gathered.addComponent(true, content);
        if (gathered.numComponents() >= MAX_GATHERED) {
            emit();
        }
    }

    /** Frames and writes what was gathered as one chunk, with the void promise; call before a flush. */
    public void emit() {
        ByteBuf content = pending;
        if (content == null) {
            return;
        }
        pending = null;
        int length = content.readableBytes();
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
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (arena != null) {
            arena.release();
            arena = null;
        }
    }

    /** Ends the last chunk; the caller then writes {@link LastHttpContent#EMPTY_LAST_CONTENT} through the encoder. */
    public void finish() {
        emit();
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
