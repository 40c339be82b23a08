package ai.dexto.gateway.dataplane.pipeline;

import ai.dexto.gateway.dataplane.auth.AuthResult;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Step "validate": {@code GET /keys/validate} answers {@code {"valid":true|false}} for the bearer key. */
@ChannelHandler.Sharable
final class ValidateKey extends ChannelInboundHandlerAdapter {
    private static final byte[] VALID = "{\"valid\":true}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INVALID = "{\"valid\":false}".getBytes(StandardCharsets.US_ASCII);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof GatewayRequest r) || r.route != Route.VALIDATE) {
            ctx.fireChannelRead(msg);
            return;
        }
        byte[] body = r.auth == AuthResult.OK ? VALID : INVALID;
        FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(body));
        answer.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        ctx.writeAndFlush(answer);
    }
}
