package ai.dexto.gateway.sim.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * Writing complete (non-streamed) responses. Every response carries its length so the connection
 * stays usable for the next request; the keep-alive handler closes it when the client asked to.
 */
public final class Responses {
    public static final AsciiString JSON = AsciiString.cached("application/json");
    public static final AsciiString HTML = AsciiString.cached("text/html; charset=utf-8");
    /** Money is written as plain decimals ({@code 0.0000126}), never {@code 1.26E-5}, like the real APIs. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private Responses() {
    }

    public static FullHttpResponse of(HttpResponseStatus status, CharSequence contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }

    public static FullHttpResponse json(HttpResponseStatus status, byte[] body) {
        return of(status, JSON, Unpooled.wrappedBuffer(body));
    }

    public static FullHttpResponse json(HttpResponseStatus status, Object body) {
        return json(status, toBytes(body));
    }

    public static FullHttpResponse text(HttpResponseStatus status, CharSequence contentType, String body) {
        return of(status, contentType, Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
    }

    public static FullHttpResponse redirect(String location) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SEE_OTHER);
        response.headers()
                .set(HttpHeaderNames.LOCATION, location)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    /** Keep-alive follows the request (HTTP/1.1 default on, {@code Connection: close} off). */
    public static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        send(ctx, HttpUtil.isKeepAlive(request), response);
    }

    public static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        HttpUtil.setKeepAlive(response, keepAlive);
        ctx.writeAndFlush(response);
    }

    public static byte[] toBytes(Object body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serialisable: " + body.getClass(), e);
        }
    }
}
