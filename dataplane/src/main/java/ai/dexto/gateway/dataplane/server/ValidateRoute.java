package ai.dexto.gateway.dataplane.server;

import ai.dexto.gateway.dataplane.auth.AuthResult;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** {@code GET /keys/validate}: {@code {"valid":true|false}} for the bearer key. */
public final class ValidateRoute {
    private static final byte[] VALID = "{\"valid\":true}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INVALID = "{\"valid\":false}".getBytes(StandardCharsets.US_ASCII);
    private final KeyCheck keys;

    public ValidateRoute(KeyCheck keys) {
        this.keys = keys;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest request, RequestRouter router) {
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        request.release();
        keys.check(ctx, authorization, (result, entry) -> {
            if (result == AuthResult.MISS) {
                router.respond(HttpErrors.of(503, "service_unavailable", "auth_unavailable",
                        "Keys cannot be checked right now; retry shortly."));
                return;
            }
            byte[] body = result == AuthResult.OK ? VALID : INVALID;
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
            router.respond(r);
        });
    }
}
