package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.common.money.Money;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * Finds the generation id, the usage and the cost in upstream bytes without copying or decoding
 * them: SSE lines are located with {@link ByteBuf#forEachByte} and searched in place; numbers are
 * parsed from a small reused scratch array with {@link Money#parse}. Only a line split across two
 * buffers is copied (into a reused buffer) so it can be read whole.
 *
 * <p>For streams, {@link #scanSse} also reports where {@code data: [DONE]} starts, so the relay can
 * insert the cost comment before it, and where an incomplete trailing line that may become
 * {@code data: [DONE]} starts, so the relay can hold those few bytes back until the line completes.
 */
public final class UsageScanner {
    static final byte[] DONE = "data: [DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "\"id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] USAGE = "\"usage\":{".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PROMPT = "\"prompt_tokens\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMPLETION = "\"completion_tokens\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COST = "\"cost\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UPSTREAM_COST = "\"upstream_inference_cost\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REASONING = "\"reasoning_tokens\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CACHED = "\"cached_tokens\":".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_LINE = 1 << 20;

    public final StringBuilder generationId = new StringBuilder(64);
    public long promptTokens = -1;
    public long completionTokens = -1;
    public long reasoningTokens;
    public long cachedTokens;
    /** {@code usage.cost} in nanos, -1 until seen. */
    public long costNanos = -1;
    /** {@code cost_details.upstream_inference_cost} (BYOK), 0 when null or absent. */
    public long upstreamInferenceNanos;
    /** {@code data:} events other than {@code [DONE]}: one per token chunk, the fallback's count. */
    public int dataEvents;
    public boolean doneSeen;

    /** Results of the last {@link #scanSse}: absolute indexes in that buffer, -1 when absent. */
    public int doneAt;
    public boolean doneInPartial;
    public int holdFrom;

    private final byte[] scratch = new byte[48];
    private final ByteBuf partial = Unpooled.buffer(256);
    private final ByteProcessor findLf = ByteProcessor.FIND_LF;

    public boolean usageSeen() {
        return costNanos >= 0;
    }

    /** The upstream's whole charge: {@code cost} plus the BYOK provider charge. */
    public long upstreamChargeNanos() {
        return costNanos < 0 ? -1 : costNanos + upstreamInferenceNanos;
    }

    public void scanSse(ByteBuf buf) {
        doneAt = -1;
        doneInPartial = false;
        holdFrom = -1;
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        while (start < end) {
            int lf = buf.forEachByte(start, end - start, findLf);
            if (lf < 0) {
                break;
            }
            if (partial.isReadable()) {
                boolean fits = partial.readableBytes() + (lf - start) <= MAX_LINE;
                if (fits) {
                    partial.writeBytes(buf, start, lf - start);
                    if (line(partial, partial.readerIndex(), partial.writerIndex())) {
                        doneInPartial = true;
                    }
                }
                partial.clear();
            } else if (line(buf, start, lf)) {
                doneAt = start;
            }
            start = lf + 1;
        }
        if (start < end) {
            boolean wasPartial = partial.isReadable();
            if (partial.readableBytes() + (end - start) <= MAX_LINE) {
                partial.writeBytes(buf, start, end - start);
            }
            if (!wasPartial && mayBecomeDone(buf, start, end)) {
                holdFrom = start;
            }
        }
    }

    /** Scans a whole (non-streamed) JSON answer. */
    public void scanJson(ByteBuf body) {
        int from = body.readerIndex();
        int to = body.writerIndex();
        readGenerationId(body, from, to);
        int usage = -1;
        for (int at = indexOf(body, from, to, USAGE); at >= 0; at = indexOf(body, at + 1, to, USAGE)) {
            usage = at;
        }
        if (usage >= 0) {
            readUsage(body, usage, to);
        }
    }

    /** Processes one line without its LF; true when it is {@code data: [DONE]}. */
    private boolean line(ByteBuf b, int from, int to) {
        if (to > from && b.getByte(to - 1) == '\r') {
            to--;
        }
        if (!startsWith(b, from, to, DATA)) {
            return false;
        }
        if (startsWith(b, from, to, DONE)) {
            doneSeen = true;
            return true;
        }
        dataEvents++;
        if (generationId.length() == 0) {
            readGenerationId(b, from, to);
        }
        int usage = indexOf(b, from, to, USAGE);
        if (usage >= 0) {
            readUsage(b, usage, to);
        }
        return false;
    }

    private void readGenerationId(ByteBuf b, int from, int to) {
        int at = indexOf(b, from, to, ID);
        if (at < 0) {
            return;
        }
        for (int i = at + ID.length; i < to && generationId.length() < 128; i++) {
            byte c = b.getByte(i);
            if (c == '"') {
                return;
            }
            generationId.append((char) c);
        }
    }

    private void readUsage(ByteBuf b, int from, int to) {
        long v = tokens(b, from, to, PROMPT);
        if (v >= 0) {
            promptTokens = v;
        }
        v = tokens(b, from, to, COMPLETION);
        if (v >= 0) {
            completionTokens = v;
        }
        v = tokens(b, from, to, REASONING);
        if (v >= 0) {
            reasoningTokens = v;
        }
        v = tokens(b, from, to, CACHED);
        if (v >= 0) {
            cachedTokens = v;
        }
        long upstream = amount(b, from, to, UPSTREAM_COST);
        upstreamInferenceNanos = Math.max(0, upstream);
        long cost = amount(b, from, to, COST);
        if (cost >= 0) {
            costNanos = cost;
        }
    }

    private long tokens(ByteBuf b, int from, int to, byte[] key) {
        int len = numberAfter(b, from, to, key);
        if (len <= 0) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < len; i++) {
            byte c = scratch[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private long amount(ByteBuf b, int from, int to, byte[] key) {
        int len = numberAfter(b, from, to, key);
        if (len <= 0) {
            return -1;
        }
        try {
            return Money.parse(scratch, 0, len, Money.SCALE, true);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Copies the number following {@code key} into {@code scratch}; its length, 0 for null/absent. */
    private int numberAfter(ByteBuf b, int from, int to, byte[] key) {
        int at = indexOf(b, from, to, key);
        if (at < 0) {
            return 0;
        }
        int i = at + key.length;
        while (i < to && b.getByte(i) == ' ') {
            i++;
        }
        if (i < to && b.getByte(i) == '"') {
            i++;
        }
        int len = 0;
        while (i < to && len < scratch.length) {
            byte c = b.getByte(i++);
            if ((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
                scratch[len++] = c;
            } else {
                break;
            }
        }
        return len;
    }

    private static boolean mayBecomeDone(ByteBuf b, int from, int to) {
        int n = Math.min(to - from, DONE.length);
        for (int i = 0; i < n; i++) {
            if (b.getByte(from + i) != DONE[i]) {
                return false;
            }
        }
        return true;
    }

    static boolean startsWith(ByteBuf b, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b.getByte(from + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Finds {@code needle} in {@code [from, to)}: anchors on the needle's last byte with
     * {@link ByteBuf#indexOf(int, int, byte)} (a word-at-a-time search) and checks the rest backwards.
     * The keys we look for end in rare bytes ({@code {}, {@code :}), so few candidates get that far.
     */
    static int indexOf(ByteBuf b, int from, int to, byte[] needle) {
        int n = needle.length;
        byte anchor = needle[n - 1];
        int i = from + n - 1;
        while (i < to) {
            int at = b.indexOf(i, to, anchor);
            if (at < 0) {
                return -1;
            }
            int start = at - n + 1;
            int j = n - 2;
            while (j >= 0 && b.getByte(start + j) == needle[j]) {
                j--;
            }
            if (j < 0) {
                return start;
            }
            i = at + 1;
        }
        return -1;
    }

    public void release() {
        partial.release();
    }
}
