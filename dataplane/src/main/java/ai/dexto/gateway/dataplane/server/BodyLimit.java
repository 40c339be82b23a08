package ai.dexto.gateway.dataplane.server;

import io.netty.channel.ChannelFutureListener;
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
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
}
