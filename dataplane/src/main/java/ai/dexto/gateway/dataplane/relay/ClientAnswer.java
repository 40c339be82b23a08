package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.dataplane.http.GatewayError;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * The client half of an exchange: everything written to the client goes through here, at most one
 * answer, and never after the client is gone. Writes leave from the relay step's context, so they
 * pass the request router (which stamps the request id and rate headers, and finishes the request
 * when the last part is out); streamed chunks are framed below the HTTP encoder.
 */
final class ClientAnswer {
    /**
     * Headers of messages built here: every name is one of our constants, so re-validating each name
     * on every set (a measurable share of the event loops' time) is skipped. Values are validated.
     */
    private static final HttpHeadersFactory OWN_HEADERS = DefaultHttpHeadersFactory.headersFactory()
            .withNameValidation(false);
    private static final HttpHeadersFactory OWN_TRAILERS = DefaultHttpHeadersFactory.trailersFactory()
            .withNameValidation(false);
    static final AsciiString CREDITS = AsciiString.cached("x-dexto-credits-remaining");
    static final AsciiString COST = AsciiString.cached("x-dexto-cost-usd");
    static final AsciiString EVENT_STREAM = AsciiString.cached("text/event-stream");

    private final ChannelHandlerContext client;
    private final long spendableAtStart;
    private boolean answered;
    private boolean gone;
    private int status;

    ClientAnswer(ChannelHandlerContext client, long spendableAtStart) {
        this.client = client;
        this.spendableAtStart = spendableAtStart;
    }

    EventLoop eventLoop() {
        return client.channel().eventLoop();
    }

    ByteBufAllocator alloc() {
        return client.alloc();
    }

    boolean writable() {
        return client.channel().isWritable();
    }

    /** Sends a stream's head (the balance in it is the one before this request) and returns its relay. */
    StreamRelay startStream(UsageScanner scanner) {
        if (gone || answered) {
            return new StreamRelay(client, client.pipeline().context("codec"), scanner);
        }
        answered = true;
        status = 200;
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, OWN_HEADERS);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                .set(CREDITS, Money.format(Math.max(0, spendableAtStart)));
        client.write(head);
        return new StreamRelay(client, client.pipeline().context("codec"), scanner);
    }

    /** Flushes a read batch; once it is on the socket, {@code then} runs (or {@code failed}, the client gone). */
    void flushThen(Runnable then, Runnable failed) {
        if (gone) {
            return;
        }
        ChannelFuture w = client.writeAndFlush(Unpooled.EMPTY_BUFFER);
        if (w.isDone()) {
            (w.isSuccess() ? then : failed).run();
        } else {
            w.addListener(f -> (f.isSuccess() ? then : failed).run());
        }
    }

    /** Our cost lines, what was held back and the end of the stream. */
    void endStream(StreamRelay relay, String ownLines) {
        if (gone) {
            relay.release();
            return;
        }
        relay.finish(ownLines);
    }

    /** Ends a started stream with one SSE error event. */
    void endStreamWithError(StreamRelay relay, GatewayError e, String detail) {
        if (gone) {
            relay.release();
            return;
        }
        String json = new String(e.json(detail != null ? detail : e.message), java.nio.charset.StandardCharsets.UTF_8);
        relay.abort("data: " + json + "\n\n").addListener(io.netty.channel.ChannelFutureListener.CLOSE);
    }

    /** An error answer, unless the client already has one (or is gone); balance now. */
    void error(GatewayError e, String detail, String retryAfter) {
        error(e, detail, retryAfter, Long.MIN_VALUE);
    }

    void error(GatewayError e, String detail, String retryAfter, long spendable) {
        if (gone || answered) {
            return;
        }
        FullHttpResponse r = detail == null ? e.response() : e.response(detail);
        if (e.status == 429) {
            r.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter != null ? retryAfter : "1");
        }
        send(r, spendable);
    }

    /** A whole answer as the upstream sent it, with its cost and the balance after it. */
    void whole(WholeAnswer whole, ExchangeLedger ledger, long spendable) {
        if (gone || answered) {
            whole.release();
            return;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, whole.body(),
                OWN_HEADERS, OWN_TRAILERS);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, whole.body().readableBytes())
                .set(COST, ledger.costHeader());
        send(r, spendable);
    }

    private void send(FullHttpResponse r, long spendable) {
        answered = true;
        status = r.status().code();
        r.headers().set(CREDITS, Money.format(Math.max(0, spendable == Long.MIN_VALUE ? spendableAtStart : spendable)));
        client.writeAndFlush(r);
    }

    /** The client is gone: nothing more is written. */
    void gone() {
        gone = true;
    }

    /** Closes the client's connection (it stopped reading). */
    void close() {
        gone = true;
        client.close();
    }

    /** What the journal records as the HTTP status: what the client got, or 499 when it left first. */
    int statusForJournal() {
        return answered ? status : 499;
    }

    static HttpHeaders ownHeaders() {
        return OWN_HEADERS.newHeaders();
    }
}
