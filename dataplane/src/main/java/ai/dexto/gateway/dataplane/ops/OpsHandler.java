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
import java.util.function.Supplier;

/**
 * The ops port's answers: {@code /health} (alive), {@code /ready} (200 only while the node should get
 * traffic: feed snapshot loaded, journal writing, not stopping; else 503 with the reason),
 * {@code /metrics} (Prometheus).
 */
@ChannelHandler.Sharable
public final class OpsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final GatewayMetrics metrics;
    private final Supplier<String> notReadyBecause;

    public OpsHandler(GatewayMetrics metrics, Supplier<String> notReadyBecause) {
        this.metrics = metrics;
        this.notReadyBecause = notReadyBecause;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String uri = request.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        FullHttpResponse r = switch (path) {
            case "/health" -> text(HttpResponseStatus.OK, "application/json", "{\"status\":\"ok\"}");
            case "/ready" -> ready();
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

    private FullHttpResponse ready() {
        String why = notReadyBecause.get();
        if (why == null) {
            return text(HttpResponseStatus.OK, "application/json", "{\"ready\":true}");
        }
        StringBuilder sb = new StringBuilder("{\"ready\":false,\"reason\":\"");
        for (int i = 0; i < why.length() && i < 300; i++) {
            char c = why.charAt(i);
            sb.append(c == '"' || c == '\\' || c < 0x20 ? ' ' : c);
        }
        return text(HttpResponseStatus.SERVICE_UNAVAILABLE, "application/json", sb.append("\"}").toString());
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
