package ai.dexto.gateway.dataplane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The front of the client pipeline, driven without sockets. */
class FrontHandlersTest {
    @Test
    void oversizedBodyGets413InOurShapeAndTheConnectionCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(new BodyLimit(16));
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 1000);
        ch.writeInbound(r);
        FullHttpResponse out = ch.readOutbound();
        assertEquals(413, out.status().code());
        assertTrue(out.content().toString(StandardCharsets.UTF_8).contains("\"code\":\"request_too_large\""));
        out.release();
        assertTrue(ch.isOpen(), "keeps reading a moment so the client gets the 413 rather than a reset");
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen());
    }

    @Test
    void smallBodyIsAggregated() {
        EmbeddedChannel ch = new EmbeddedChannel(new BodyLimit(1024));
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/",
                Unpooled.copiedBuffer("{}", StandardCharsets.US_ASCII)));
        io.netty.handler.codec.http.FullHttpRequest in = ch.readInbound();
        assertEquals(2, in.content().readableBytes());
        in.release();
    }

    @Test
    void requestNotCompleteInTimeGets408() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDeadline(TimeUnit.MILLISECONDS.toNanos(20)));
        ch.writeInbound(Unpooled.copiedBuffer("POST /v1/chat/completions HTTP/1.1\r\nHost:", StandardCharsets.US_ASCII));
        ByteBuf partial = ch.readInbound();
        partial.release();
        Thread.sleep(40);
        ch.runPendingTasks();
        ch.runScheduledPendingTasks();
        ByteBuf out = ch.readOutbound();
        assertTrue(out.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 408 "));
        out.release();
        assertFalse(ch.isOpen());
    }

    @Test
    void completedRequestStopsTheClock() throws Exception {
        RequestDeadline deadline = new RequestDeadline(TimeUnit.MILLISECONDS.toNanos(20));
        EmbeddedChannel ch = new EmbeddedChannel(deadline);
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII));
        ((ByteBuf) ch.readInbound()).release();
        deadline.requestComplete();
        Thread.sleep(40);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen());
        assertTrue(ch.outboundMessages().isEmpty());
    }

    @Test
    void connectionsPastTheCapGet503() {
        ConnectionLimiter limiter = new ConnectionLimiter(1, false);
        EmbeddedChannel first = new EmbeddedChannel(limiter);
        EmbeddedChannel second = new EmbeddedChannel(limiter);
        ByteBuf refused = second.readOutbound();
        assertTrue(refused.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 503 "));
        refused.release();
        assertFalse(second.isOpen());
        assertTrue(first.isOpen());
        assertEquals(1, limiter.open());
        first.close();
        assertEquals(0, limiter.open());
    }
}
