package ai.dexto.gateway.dataplane.pipeline;

import ai.dexto.gateway.dataplane.front.ClientDeadlines;
import ai.dexto.gateway.dataplane.http.GatewayError;
import ai.dexto.gateway.dataplane.ops.AccessLog;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * The first request-level step of a client connection: one request at a time. It turns a decoded
 * request head into a {@link GatewayRequest} for the steps behind it (refusing bad HTTP, unknown
 * paths and wrong methods itself), passes the body on or drops it once a step refused the request,
 * and watches the answer go out: the last part of the response finishes the request (metrics, access
 * log, deadlines) and lets the next one be read. Steps read more of a body with {@code ctx.read()}
 * when they want it; a request pipelined behind the current one waits here, read but not started.
 */
public final class RequestRouter extends ChannelDuplexHandler {
    static final AsciiString REQUEST_ID = AsciiString.cached("x-dexto-request-id");
    static final AsciiString LIMIT = AsciiString.cached("x-ratelimit-limit-requests");
    static final AsciiString REMAINING = AsciiString.cached("x-ratelimit-remaining-requests");
    static final AsciiString RESET = AsciiString.cached("x-ratelimit-reset-requests");
    /** A pipelined request is held only while it is this small; a client sending more is closed. */
    private static final int MAX_PARKED = 64;
    /** Body bytes of a refused request read and dropped before the connection is closed instead. */
    private static final long MAX_DISCARD = 1 << 20;

    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private ClientDeadlines deadlines;
    private ChannelHandlerContext ctx;
    private GatewayRequest current;
    private final ArrayDeque<HttpObject> parked = new ArrayDeque<>(4);

    public RequestRouter(GatewayMetrics metrics, AccessLog accessLog) {
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deadlines = ctx.pipeline().get(ClientDeadlines.class);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject o)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (current != null && current.bodyDone || !parked.isEmpty()) {
            park(o);
        } else {
            accept(o);
        }
    }

    private void accept(HttpObject o) {
        if (o instanceof HttpRequest head) {
            if (current != null) {
                park(o);
                return;
            }
            start(head);
            if (head.decoderResult().isFailure()) {
                return; // an invalid message is a FullHttpRequest: start() released it, content and all
            }
        }
        if (o instanceof HttpContent c) {
            body(c);
        }
    }

    private void park(HttpObject o) {
        parked.add(o);
        if (parked.size() > MAX_PARKED) {
            releaseParked();
            ctx.close();
        }
    }

    private void start(HttpRequest head) {
        long now = System.nanoTime();
        if (head.decoderResult().isFailure()) {
            boolean tooLong = head.decoderResult().cause() instanceof TooLongFrameException;
            current = new GatewayRequest(Route.NOT_FOUND, head, now, address());
            current.bodyDone = true; // nothing more of this connection is read
            FullHttpResponse r = (tooLong ? GatewayError.HEADERS_TOO_LARGE : GatewayError.BAD_HTTP).response();
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ReferenceCountUtil.release(head);
            respond(current, r).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String uri = head.uri();
        int q = uri.indexOf('?');
        Route route = Route.of(q < 0 ? uri : uri.substring(0, q));
        GatewayRequest r = new GatewayRequest(route, head, now, address());
        current = r;
        if (deadlines != null) {
            deadlines.headersReceived();
        }
        String allow = route.allowed(head.method());
        if (route == Route.NOT_FOUND || allow != null) {
            FullHttpResponse answer = route == Route.NOT_FOUND
                    ? GatewayError.NOT_FOUND.response("No route for " + truncate(uri, 200) + ".")
                    : GatewayError.METHOD_NOT_ALLOWED.response("Use " + allow + " on this path.");
            if (allow != null) {
                answer.headers().set(HttpHeaderNames.ALLOW, allow);
            }
            r.refused = true;
            respond(r, answer);
            return;
        }
        ctx.fireChannelRead(r);
    }

    private void body(HttpContent c) {
        GatewayRequest r = current;
        if (r == null || r.bodyDone) {
            c.release();
            return;
        }
        if (c.decoderResult().isFailure()) {
            c.release();
            badBody(r);
            return;
        }
        boolean last = c instanceof LastHttpContent;
        if (last) {
            r.bodyDone = true;
            if (deadlines != null) {
                deadlines.requestReceived();
            }
        }
        if (r.refused) {
            r.discarded += c.content().readableBytes();
            c.release();
            if (r.discarded > MAX_DISCARD) {
                ctx.close(); // not worth reading on: the client keeps sending a body nobody wants
                return;
            }
            if (r.answered && last) {
                complete(r);
            } else if (r.answered) {
                ctx.read();
            }
            return;
        }
        ctx.fireChannelRead(c);
        if (last) {
            // one outstanding read while the answer runs: a client that hangs up is noticed at once
            ctx.read();
        }
    }

    /**
     * The body's framing broke (a bad chunk): the codec ends the body there and reads nothing more
     * of the connection, so what came before must not be taken as the whole body. 400 and close.
     */
    private void badBody(GatewayRequest r) {
        r.bodyDone = true;
        r.drainThenClose = true;
        if (r.refused || r.answered) {
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        r.refused = true;
        FullHttpResponse answer = GatewayError.BAD_HTTP.response("The request body's chunked framing is not valid.");
        answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        respond(r, answer).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        GatewayRequest r = current;
        if (r != null && msg instanceof HttpResponse response && response.status().code() == 100) {
            r.continued = true;
        } else if (r != null && msg instanceof HttpResponse response && response.status().code() >= 200) {
            r.status = response.status().code();
            if (!r.bodyDone && !r.continued && HttpUtil.is100ContinueExpected(r.head)) {
                // refused before the client was asked for its body: it may never send it, so the
                // connection cannot frame another request (RFC 9110 10.1.1); say so and close after
                HttpUtil.setKeepAlive(response, false);
                r.drainThenClose = true;
            }
            response.headers().set(REQUEST_ID, r.id());
            if (r.rate != null) {
                response.headers().set(LIMIT, Long.toString(r.rate.limitPerMinute))
                        .set(REMAINING, Long.toString(r.rate.remaining))
                        .set(RESET, r.rate.resetMillis + "ms");
            }
        }
        if (r != null && msg instanceof LastHttpContent
                && !(msg instanceof HttpResponse h && h.status().code() < 200)) {
            ChannelPromise p = promise.unvoid();
            p.addListener(f -> answered(r));
            ctx.write(msg, p);
            return;
        }
        ctx.write(msg, promise);
    }

    private void answered(GatewayRequest r) {
        if (r != current || r.answered) {
            return;
        }
        r.answered = true;
        long nanos = System.nanoTime() - r.receivedNanos;
        metrics.request(r.route.label(), r.status, nanos);
        if (accessLog.enabled()) {
            accessLog.log(r.id(), r.traceId(), r.route.label(), r.head.method().name(),
                    RequestRouter.truncate(r.path(), 200), r.status, nanos, r.account == null ? null : r.account.logId(),
                    r.chat == null ? null : r.chat.model(), r.billedNanos);
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        if (r.bodyDone) {
            complete(r);
        } else if (!r.drainThenClose) {
            // answered before its body arrived (refused): the rest is read and dropped, then the next request
            r.refused = true;
            ctx.read();
        }
    }

    /** The request is answered and its body is in: on to the next one. */
    private void complete(GatewayRequest r) {
        current = null;
        r.release();
        if (r.drainThenClose || !ctx.channel().isActive()) {
            releaseParked();
            return; // the connection closes in a moment; nothing more is served on it
        }
        if (deadlines != null) {
            deadlines.answered();
        }
        ArrayDeque<HttpObject> waiting = new ArrayDeque<>(parked);
        parked.clear();
        HttpObject o;
        while ((o = waiting.poll()) != null) {
            if (current != null && current.bodyDone) {
                parked.add(o);
            } else {
                accept(o);
            }
        }
        if (current == null) {
            ctx.read();
        }
    }

    /** Writes an answer the router makes itself (its own writes do not pass its {@link #write}). */
    private io.netty.channel.ChannelFuture respond(GatewayRequest r, FullHttpResponse response) {
        r.status = response.status().code();
        response.headers().set(REQUEST_ID, r.id());
        return ctx.writeAndFlush(response).addListener(f -> answered(r));
    }

    private InetAddress address() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress()
                : InetAddress.getLoopbackAddress();
    }

    private void releaseParked() {
        HttpObject o;
        while ((o = parked.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        GatewayRequest r = current;
        current = null;
        if (r != null) {
            r.release(); // its answer will never finish it: the client left first
        }
        releaseParked();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    static String truncate(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }
}
