package ai.dexto.gateway.dataplane.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * Aggregates request bodies up to the limit; a larger one (by Content-Length up front, or as it
 * streams in) gets a 413 in our error shape and the connection is closed.
 */
public final class BodyLimit extends HttpObjectAggregator {
    private final int maxBytes;

    public BodyLimit(int maxBytes) {
        super(maxBytes);
        this.maxBytes = maxBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        FullHttpResponse r = HttpErrors.of(413, "invalid_request_error", "request_too_large",
                "The request body is larger than " + maxBytes + " bytes.");
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // Closing while the client is still sending makes the kernel answer with a reset, which can
        // destroy the 413 before the client reads it. Keep reading (the aggregator discards the rest of
        // the body) and close a moment later.
        // Written below the keep-alive handler, which would otherwise close at once on "Connection: close".
        // (Writing from the keep-alive handler's own context passes the encoder but not that handler.)
        io.netty.channel.ChannelHandlerContext keepAlive = ctx.pipeline().context("keepAlive");
        (keepAlive != null ? keepAlive : ctx).writeAndFlush(r);
        ctx.channel().config().setAutoRead(true);
        ctx.executor().schedule(() -> {
            ctx.close();
        }, DRAIN_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private static final long DRAIN_MILLIS = 1_000;
}
