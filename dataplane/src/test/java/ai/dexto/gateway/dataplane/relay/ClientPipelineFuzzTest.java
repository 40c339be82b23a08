package ai.dexto.gateway.dataplane.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.dataplane.http.GatewayError;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.io.ByteArrayOutputStream;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the client pipeline's front: arbitrary bytes, cut into one to eight
 * reads, into a connection carrying the real {@code GatewayInitializer} pipeline (gate, deadlines,
 * codec, keep-alive, router, auth, limits, body, decode, reserve, relay, models, validate, account)
 * of an {@link EmbeddedGateway}. The input's first byte says how to cut the rest; {@code $KEY} in the
 * rest becomes a real user's key, so the fuzzer gets past authentication. Then the clock runs past
 * the header and body limits, and the client hangs up. The upstream and the control plane cannot
 * be reached, so no chat is ever billed.
 *
 * <p>Invariants: no exception escapes a handler and no write fails but on a closed connection; what
 * the connection wrote is a sequence of whole, well-formed HTTP/1.1 responses (framed by
 * {@code Content-Length} or chunked, none of a 1xx/204/304 or a HEAD's with a body), each error a
 * row of {@link GatewayError} in our JSON shape; every buffer the connection allocated is released;
 * the body budget, the reservation and the node's connection and exchange counts are all back to
 * where they were. Seeds: {@code ClientPipelineFuzzTestInputs} (valid requests and each HTTP hygiene
 * case of {@code HttpHygieneIT}).
 */
@Timeout(120)
class ClientPipelineFuzzTest {
    static final JsonMapper STRICT = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    static final long BALANCE = Money.ofUsd(100);
    static final byte[] PLACEHOLDER = "$KEY".getBytes(StandardCharsets.US_ASCII);
    static EmbeddedGateway gw;
    static byte[] key;

    @BeforeAll
    static void start() throws Exception {
        gw = EmbeddedGateway.start(s -> {
            // the per-address buckets and the breaker remember earlier inputs: off, so each input
            // meets the same gateway
            s.unauthenticatedPerMinute = 0;
            s.validationsPerMinute = 0;
            s.accountCallsPerMinute = 0;
            s.breakerMinUsers = 2;
        });
        key = gw.addUser("user-fuzz", BALANCE).getBytes(StandardCharsets.US_ASCII);
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @FuzzTest(maxDuration = "10s")
    void anyBytesGetWellFormedAnswersOrACloseAndLeaveNothingBehind(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        byte[] wire = withKey(input, 1);
        TrackingAllocator alloc = new TrackingAllocator();
        EmbeddedChannel client = gw.connect();
        client.config().setAllocator(alloc);
        Tap tap = new Tap();
        client.pipeline().addAfter("codec", "test-tap", tap);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        try {
            for (int[] piece : cuts(input[0] & 0xFF, wire.length)) {
                if (!client.isOpen()) {
                    break;
                }
                ByteBuf read = alloc.heapBuffer(piece[1]).writeBytes(wire, piece[0], piece[1]);
                gw.act(client, () -> client.writeInbound(read));
                drain(client, written);
            }
            for (int seconds : new int[] {11, 20, 2}) { // past the header (10 s), body (30 s) and drain (1 s) limits
                if (client.isOpen()) {
                    gw.advanceBy(client, seconds);
                }
            }
            drain(client, written);
            client.checkException();
            assertWellFormed(written.toByteArray(), tap.methods);
        } finally {
            EmbeddedGateway.hangUp(client);
            gw.runTasks();
            drain(client, written);
            // what no step takes (a body sent with a GET) ends at the pipeline's tail, which releases
            // it on a real channel; an EmbeddedChannel keeps it for readInbound()
            client.releaseInbound();
        }
        client.checkException();
        assertTrue(tap.failures.isEmpty(), () -> "a handler failed: " + tap.failures);
        alloc.assertAllReleased();
        assertEquals(0, gw.bodies.held(), "the body budget is given back");
        assertEquals(0, gw.registry.open(), "no exchange is left open");
        assertEquals(0, gw.metrics.activeStreams());
        assertEquals(0, gw.gate.open(), "the connection is uncounted");
        assertEquals(BALANCE, gw.account("user-fuzz").spendable(), "no reservation left, nothing billed");
    }

    /** {@code input} from {@code from} on, each {@code $KEY} replaced by the user's key. */
    static byte[] withKey(byte[] input, int from) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(input.length + 64);
        for (int i = from; i < input.length; i++) {
            if (i + PLACEHOLDER.length <= input.length && java.util.Arrays.equals(input, i, i + PLACEHOLDER.length,
                    PLACEHOLDER, 0, PLACEHOLDER.length)) {
                out.writeBytes(key);
                i += PLACEHOLDER.length - 1;
            } else {
                out.write(input[i]);
            }
        }
        return out.toByteArray();
    }

    /** (offset, length) reads: {@code 1 + (plan & 7)} of them, cut where a generator seeded by the plan says. */
    static List<int[]> cuts(int plan, int length) {
        int pieces = Math.min(1 + (plan & 7), Math.max(1, length));
        int[] at = new int[pieces + 1];
        at[pieces] = length;
        long seed = plan * 0x9E3779B97F4A7C15L + 1;
        for (int i = 1; i < pieces; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            at[i] = (int) Long.remainderUnsigned(seed >>> 17, length + 1);
        }
        java.util.Arrays.sort(at, 1, pieces);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < pieces; i++) {
            if (at[i + 1] > at[i]) {
                out.add(new int[] {at[i], at[i + 1] - at[i]});
            }
        }
        return out;
    }

    static void drain(EmbeddedChannel client, ByteArrayOutputStream into) {
        Object o;
        while ((o = client.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            into.writeBytes(bytes);
        }
    }

    /**
     * The bytes a client received, parsed strictly as HTTP/1.1 responses: each whole, each final one
     * answering the next request the codec decoded (a HEAD's has no body), each error ours.
     */
    static void assertWellFormed(byte[] wire, ArrayDeque<HttpMethod> requests) throws Exception {
        String s = new String(wire, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (at < s.length()) {
            int end = s.indexOf("\r\n\r\n", at);
            assertTrue(end > 0, () -> "a response head cut short: " + s);
            String[] lines = s.substring(at, end).split("\r\n", -1);
            assertTrue(lines[0].matches("HTTP/1\\.1 [1-5][0-9][0-9] [A-Za-z -]+"), () -> "status line: " + lines[0]);
            int status = Integer.parseInt(lines[0].substring(9, 12));
            java.util.Map<String, String> headers = new java.util.HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                assertTrue(line.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+: [\\x21-\\x7e]([\\x20-\\x7e]*[\\x21-\\x7e])?"),
                        () -> "header line: " + line);
                String name = line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT);
                assertTrue(headers.put(name, line.substring(line.indexOf(':') + 2)) == null || name.equals("set-cookie"),
                        () -> "repeated header " + name + " in " + s);
            }
            at = end + 4;
            if (status < 200) {
                continue;
            }
            HttpMethod method = requests.poll(); // null: a raw answer to bytes that never made a request (408)
            boolean noBody = status == 204 || status == 304 || HttpMethod.HEAD.equals(method);
            String te = headers.get("transfer-encoding");
            String cl = headers.get("content-length");
            assertTrue(te == null || cl == null, "both framings on one response");
            String body;
            if (te != null) {
                assertEquals("chunked", te);
                StringBuilder b = new StringBuilder();
                while (true) {
                    int eol = s.indexOf("\r\n", at);
                    assertTrue(eol > at, "a chunk size line");
                    int size = Integer.parseInt(s.substring(at, eol), 16);
                    at = eol + 2;
                    if (size == 0) {
                        assertTrue(s.startsWith("\r\n", at), "the last chunk ends the body");
                        at += 2;
                        break;
                    }
                    assertTrue(at + size + 2 <= s.length() && s.startsWith("\r\n", at + size), "a whole chunk");
                    b.append(s, at, at + size);
                    at += size + 2;
                }
                body = b.toString();
            } else {
                assertTrue(cl != null, () -> "a response without framing: " + s);
                int length = noBody ? 0 : Integer.parseInt(cl);
                assertTrue(at + length <= s.length(), "a body cut short");
                body = s.substring(at, at + length);
                at += length;
            }
            if (noBody) {
                continue; // a HEAD's answer: the head says what the body would have been
            }
            if (status >= 400) {
                assertOurError(status, headers, body);
            } else if (!body.isEmpty() && headers.getOrDefault("content-type", "").startsWith("application/json")) {
                STRICT.readTree(body.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
    }

    static void assertOurError(int status, java.util.Map<String, String> headers, String body) throws Exception {
        assertEquals("application/json", headers.get("content-type"), body);
        JsonNode error = STRICT.readTree(body.getBytes(StandardCharsets.UTF_8)).path("error");
        assertTrue(error.path("message").isTextual(), body);
        for (GatewayError e : GatewayError.values()) {
            if (e.status == status && e.type.equals(error.path("type").asText()) && e.code.equals(error.path("code").asText())) {
                return;
            }
        }
        throw new AssertionError("not one of our errors: " + status + " " + body);
    }

    /**
     * Watches the codec's side of the pipeline: the requests it decoded (in order), exceptions that
     * reach the steps behind it, and writes that fail for any reason but a closed connection.
     */
    static final class Tap extends ChannelDuplexHandler {
        final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();
        final List<Throwable> failures = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest r && ctx.channel().isActive()) {
                methods.add(r.method()); // (once closed, the codec hands on a cut request that nobody answers)
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failures.add(cause);
            ctx.fireExceptionCaught(cause);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (!promise.isVoid()) {
                promise.addListener(f -> {
                    if (!f.isSuccess() && !(f.cause() instanceof ClosedChannelException)) {
                        failures.add(f.cause());
                    }
                });
            }
            ctx.write(msg, promise);
        }
    }

    /** Unpooled heap buffers, each remembered, so an input's leak is caught at that input. */
    static final class TrackingAllocator extends AbstractByteBufAllocator {
        final List<ByteBuf> allocated = new ArrayList<>();

        TrackingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
            allocated.add(b);
            return b;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
            CompositeByteBuf b = new CompositeByteBuf(this, false, maxNumComponents);
            allocated.add(b);
            return b;
        }

        @Override
        public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
            return compositeHeapBuffer(maxNumComponents);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        void assertAllReleased() {
            for (ByteBuf b : allocated) {
                assertEquals(0, b.refCnt(), () -> "a buffer was not released: " + b);
            }
        }
    }
}
