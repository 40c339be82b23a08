package ai.dexto.gateway.dataplane.server;

import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import ai.dexto.gateway.dataplane.ratelimit.RateLimitDecision;
import ai.dexto.gateway.dataplane.relay.ChatExchange;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of a client connection: one request at a time (auto-read is off; the next request is
 * read once the answer is out), dispatched by path, timed and logged. Owns the connection's running
 * {@link ChatExchange} so a closed or drained socket reaches it.
 */
public final class RequestRouter extends ChannelInboundHandlerAdapter implements ChatExchange.Listener {
    private final Routes routes;
    final RateLimitDecision decision = new RateLimitDecision();
    private ChannelHandlerContext ctx;
    private RequestDeadline deadline;
    private boolean busy;
    private FullHttpRequest pending;
    private ChatExchange exchange;
    private long startedNanos;
    private String route = GatewayMetrics.OTHER;
    String userLogId;

    public RequestRouter(Routes routes) {
        this.routes = routes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deadline = ctx.pipeline().get(RequestDeadline.class);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (busy) {
            if (pending != null) {
                request.release();
                ctx.close();
            } else {
                pending = request;
            }
            return;
        }
        dispatch(request);
    }

    private void dispatch(FullHttpRequest request) {
        busy = true;
        userLogId = null;
        startedNanos = System.nanoTime();
        if (deadline != null) {
            deadline.requestComplete();
        }
        if (request.decoderResult().isFailure()) {
            route = GatewayMetrics.OTHER;
            boolean tooLong = request.decoderResult().cause() instanceof TooLongFrameException;
            request.release();
            FullHttpResponse r = HttpErrors.of(400, "invalid_request_error",
                    tooLong ? "request_header_too_large" : "bad_request",
                    tooLong ? "The request line or headers are too large." : "The request is not valid HTTP/1.1.");
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            finish(400, null, null);
            return;
        }
        String uri = request.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        HttpMethod method = request.method();
        switch (path) {
            case "/v1/chat/completions" -> {
                route = GatewayMetrics.CHAT;
                if (method == HttpMethod.POST || HttpMethod.POST.equals(method)) {
                    routes.chat().handle(ctx, request, this);
                } else {
                    notAllowed(request, "POST");
                }
            }
            case "/v1/models" -> {
                route = GatewayMetrics.MODELS;
                if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) {
                    respond(routes.models().answer(request));
                } else {
                    notAllowed(request, "GET");
                }
            }
            case "/keys/validate" -> {
                route = GatewayMetrics.VALIDATE;
                if (HttpMethod.GET.equals(method)) {
                    routes.validate().handle(ctx, request, this);
                } else {
                    notAllowed(request, "GET");
                }
            }
            default -> {
                route = GatewayMetrics.OTHER;
                request.release();
                respond(HttpErrors.of(404, "invalid_request_error", "not_found", "No route for " + path + "."));
            }
        }
    }

    private void notAllowed(FullHttpRequest request, String allow) {
        request.release();
        FullHttpResponse r = HttpErrors.of(405, "invalid_request_error", "method_not_allowed",
                "Use " + allow + " on this path.");
        r.headers().set(HttpHeaderNames.ALLOW, allow);
        respond(r);
    }

    /** Writes a whole answer and finishes the request. */
    void respond(FullHttpResponse response) {
        int status = response.status().code();
        ctx.writeAndFlush(response).addListener(f -> finish(status, null, null));
    }

    void startExchange(ChatExchange e) {
        exchange = e;
        e.start();
        // One outstanding read while the answer runs, so a client that hangs up is noticed at once.
        ctx.read();
    }

    @Override
    public void exchangeFinished(ChatExchange e, int httpStatus) {
        if (exchange == e) {
            finish(httpStatus, e.requestId(), e.model());
        }
    }

    private void finish(int status, String requestId, String model) {
        if (!busy) {
            return;
        }
        long nanos = System.nanoTime() - startedNanos;
        routes.metrics().request(route, status, nanos);
        routes.accessLog().log(requestId, route, status, nanos, userLogId, model, null);
        busy = false;
        exchange = null;
        if (deadline != null) {
            deadline.awaitNext();
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        FullHttpRequest next = pending;
        pending = null;
        if (next != null) {
            dispatch(next);
        } else {
            ctx.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        ChatExchange e = exchange;
        if (e != null) {
            e.onClientGone();
        }
        if (pending != null) {
            pending.release();
            pending = null;
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        ChatExchange e = exchange;
        if (e != null) {
            e.onClientWritable();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.ALL_IDLE && !busy) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
