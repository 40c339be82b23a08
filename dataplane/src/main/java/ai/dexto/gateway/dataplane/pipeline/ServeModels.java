package ai.dexto.gateway.dataplane.pipeline;

import ai.dexto.gateway.dataplane.http.GatewayError;
import ai.dexto.gateway.dataplane.models.ModelCatalog;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Step "models": {@code GET /v1/models}, public, the upstream's list from memory, cacheable, ETag and 304. */
@ChannelHandler.Sharable
final class ServeModels extends ChannelInboundHandlerAdapter {
    private static final String CACHE_CONTROL = "public, max-age=300";
    private final ModelCatalog catalog;

    ServeModels(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof GatewayRequest r) || r.route != Route.MODELS) {
            ctx.fireChannelRead(msg);
            return;
        }
        ctx.writeAndFlush(answer(r));
    }

    private FullHttpResponse answer(GatewayRequest r) {
        if (!catalog.loaded()) {
            FullHttpResponse e = GatewayError.MODELS_UNAVAILABLE.response();
            e.headers().set(HttpHeaderNames.RETRY_AFTER, "5");
            return e;
        }
        String ifNoneMatch = r.head.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        ModelCatalog.Snapshot s = catalog.snapshot();
        if (ifNoneMatch != null && (ifNoneMatch.contains(s.etag()) || ifNoneMatch.trim().equals("*"))) {
            FullHttpResponse nm = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
            nm.headers().set(HttpHeaderNames.ETAG, s.etag()).set(HttpHeaderNames.CACHE_CONTROL, CACHE_CONTROL)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            return nm;
        }
        boolean head = HttpMethod.HEAD.equals(r.head.method());
        FullHttpResponse ok = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(s.body()));
        ok.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, s.body().length)
                .set(HttpHeaderNames.ETAG, s.etag())
                .set(HttpHeaderNames.CACHE_CONTROL, CACHE_CONTROL);
        return ok;
    }
}
