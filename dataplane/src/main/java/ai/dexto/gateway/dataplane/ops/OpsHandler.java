package ai.dexto.gateway.dataplane.ops;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** The ops port: {@code /health} (alive), {@code /ready} (feed snapshot loaded), {@code /metrics}. */
@ChannelHandler.Sharable
public final class OpsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final GatewayMetrics metrics;
    private final BooleanSupplier ready;

    public OpsHandler(GatewayMetrics metrics, BooleanSupplier ready) {
        this.metrics = metrics;
        this.ready = ready;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String uri = request.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        FullHttpResponse r = switch (path) {
            case "/health" -> text(HttpResponseStatus.OK, "application/json", "{\"status\":\"ok\"}");
            case "/ready" -> ready.getAsBoolean()
                    ? text(HttpResponseStatus.OK, "application/json", "{\"ready\":true}")
                    : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "application/json", "{\"ready\":false}");
            case "/metrics" -> bytes(HttpResponseStatus.OK, metrics.contentType(), metrics.scrape());
            default -> text(HttpResponseStatus.NOT_FOUND, "application/json",
                    "{\"error\":{\"message\":\"not found\",\"type\":\"invalid_request_error\",\"code\":\"not_found\"}}");
        };
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(r, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(r);
        } else {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String type, String body) {
        return bytes(status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse bytes(HttpResponseStatus status, String type, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
