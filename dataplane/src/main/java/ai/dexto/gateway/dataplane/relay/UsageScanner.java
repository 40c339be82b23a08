package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.common.money.Money;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Finds the generation id, the usage and the cost in upstream bytes without copying or decoding
 * them: SSE lines are located with {@link ByteBuf#indexOf} and searched in place. Only the usage
 * object, once found, is copied (at most {@value #USAGE_WINDOW} bytes, into a reused array) so its
 * six fields are read with plain array scans instead of a checked {@code getByte} per byte, and a line
 * split across two buffers is copied (into a reused buffer) so it can be read whole.
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
    /** The usage object with its details is ~300 bytes; a non-streamed answer ends with it. */
    private static final int USAGE_WINDOW = 2048;

    public final StringBuilder generationId = new StringBuilder(64);
    public long promptTokens = -1;
    public long completionTokens = -1;
    public long reasoningTokens;
    public long cachedTokens;
    /** Which of the six fields the usage object being read has given already (its first value counts). */
    private int seen;
    /** Where the last {@link #number} ended (past a closing quote). */
    private int numberEnd;
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
    /** The whole buffer continues a held partial line that may still become {@code data: [DONE]}. */
    public boolean holdContinues;

    private final byte[] scratch = new byte[48];
    private final byte[] window = new byte[USAGE_WINDOW];
    private final ByteBuf partial = Unpooled.buffer(256);

    /** The generation id from the response head ({@code X-Generation-Id}), when the body has not named one yet. */
    public void generationIdFromHeader(String id) {
        if (id != null && generationId.length() == 0) {
            for (int i = 0; i < id.length() && i < 128; i++) {
                char c = id.charAt(i);
                if (c <= ' ' || c == '"' || c > '~') {
                    generationId.setLength(0);
                    return;
                }
                generationId.append(c);
            }
        }
    }

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
        holdContinues = false;
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        while (start < end) {
            // indexOf searches a word at a time; a ByteProcessor would be called once per byte
            int lf = buf.indexOf(start, end, (byte) '\n');
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
            } else if (wasPartial && start == buf.readerIndex() && partial.readableBytes() <= DONE.length + 1
                    && mayBecomeDone(partial, partial.readerIndex(), partial.writerIndex())) {
                holdContinues = true; // a third (or later) piece of the line: still held
            }
        }
    }

    /** Scans a whole (non-streamed) JSON answer. */
    public void scanJson(ByteBuf body) {
        int from = body.readerIndex();
        int to = body.writerIndex();
        if (generationId.length() == 0) {
            readGenerationId(body, from, to);
        }
        // The answer's top-level usage comes last: look for the last "usage":{ in the tail first.
        int tailFrom = Math.max(from, to - USAGE_WINDOW);
        int n = to - tailFrom;
        body.getBytes(tailFrom, window, 0, n);
        int usage = lastIndexOf(window, 0, n, USAGE);
        if (usage >= 0) {
            readUsage(window, usage, n);
            return;
        }
        int last = -1;
        for (int at = indexOf(body, from, to, USAGE); at >= 0; at = indexOf(body, at + 1, to, USAGE)) {
            last = at;
        }
        if (last >= 0) {
            readUsage(body, last, to);
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
        int n = Math.min(to - from, USAGE_WINDOW);
        b.getBytes(from, window, 0, n);
        readUsage(window, 0, n);
    }

    /**
     * One pass over the usage object starting at {@code "usage":{} in {@code b[from, to)}: each key at
     * any depth is compared with the six we want, the first value of each is kept, and the pass ends
     * where the object closes.
     */
    private void readUsage(byte[] b, int from, int to) {
        seen = 0;
        upstreamInferenceNanos = 0; // null or absent in this object: no BYOK charge
        int i = from + USAGE.length;
        int depth = 1;
        while (i < to && depth > 0) {
            byte c = b[i];
            if (c == '{') {
                depth++;
                i++;
            } else if (c == '}') {
                depth--;
                i++;
            } else if (c == '"') {
                int close = i + 1;
                while (close < to && b[close] != '"') {
                    close++;
                }
                int afterKey = close + 1;
                if (afterKey < to && b[afterKey] == ':') {
                    i = value(b, i + 1, close, afterKey + 1, to);
                } else {
                    i = afterKey;
                }
            } else {
                i++;
            }
        }
    }

    /** Reads the value of key {@code b[keyFrom, keyTo)} at {@code at} if it is one we want; where to go on. */
    private int value(byte[] b, int keyFrom, int keyTo, int at, int to) {
        while (at < to && b[at] == ' ') {
            at++;
        }
        int len = number(b, at, to);
        if (len == 0) {
            return at; // an object, string, null or boolean: the main loop walks through it
        }
        if (is(b, keyFrom, keyTo, PROMPT) && first(1)) {
            promptTokens = tokens(len);
        } else if (is(b, keyFrom, keyTo, COMPLETION) && first(2)) {
            completionTokens = tokens(len);
        } else if (is(b, keyFrom, keyTo, REASONING) && first(4)) {
            reasoningTokens = Math.max(0, tokens(len));
        } else if (is(b, keyFrom, keyTo, CACHED) && first(8)) {
            cachedTokens = Math.max(0, tokens(len));
        } else if (is(b, keyFrom, keyTo, COST) && first(16)) {
            long cost = amount(len);
            if (cost >= 0) {
                costNanos = cost;
            }
        } else if (is(b, keyFrom, keyTo, UPSTREAM_COST) && first(32)) {
            upstreamInferenceNanos = Math.max(0, amount(len));
        }
        return numberEnd;
    }

    private boolean first(int bit) {
        boolean first = (seen & bit) == 0;
        seen |= bit;
        return first;
    }

    /** Copies the number at {@code at} (bare or quoted) into {@code scratch}; its length, 0 if none. */
    private int number(byte[] b, int at, int to) {
        int i = at;
        if (i < to && b[i] == '"') {
            i++;
        }
        int len = 0;
        while (i < to && len < scratch.length) {
            byte c = b[i];
            if ((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
                scratch[len++] = c;
                i++;
            } else {
                break;
            }
        }
        if (len > 0 && b[at] == '"' && i < to && b[i] == '"') {
            i++;
        }
        numberEnd = i;
        return len;
    }

    private long tokens(int len) {
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

    private long amount(int len) {
        try {
            return Money.parse(scratch, 0, len, Money.SCALE, true);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether {@code b[from, to)} is {@code "name":} without its quotes and colon. */
    private static boolean is(byte[] b, int from, int to, byte[] quotedKey) {
        int n = quotedKey.length - 3; // the key is stored as "name":
        if (to - from != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[from + i] != quotedKey[i + 1]) {
                return false;
            }
        }
        return true;
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

    static int lastIndexOf(byte[] b, int from, int to, byte[] needle) {
        outer:
        for (int i = to - needle.length; i >= from; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    public void release() {
        partial.release();
    }
}
