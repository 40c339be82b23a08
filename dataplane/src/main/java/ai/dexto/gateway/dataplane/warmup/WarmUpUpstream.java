package ai.dexto.gateway.dataplane.warmup;

import ai.dexto.gateway.dataplane.front.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A loopback stand-in for the upstream, used only while the gateway warms up before it reports
 * ready: one model, canned answers (a whole one, or twenty SSE token events, a usage event and
 * {@code [DONE]}, each flushed on its own) shaped like OpenRouter's, so the warm-up traffic runs every
 * step of the real relay.
 */
final class WarmUpUpstream implements AutoCloseable {
    static final String MODEL = "warmup/model";
    private static final byte[] MODELS = ("{\"data\":[{\"id\":\"" + MODEL + "\",\"context_length\":8192,"
            + "\"pricing\":{\"prompt\":\"0.0000001\",\"completion\":\"0.0000002\"},"
            + "\"top_provider\":{\"max_completion_tokens\":4096}}]}").getBytes(StandardCharsets.US_ASCII);
    private static final String USAGE = "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":20,\"total_tokens\":32,"
            + "\"cost\":0.0000052,\"is_byok\":false,\"cost_details\":{\"upstream_inference_cost\":null}}";
    private static final byte[] WHOLE = ("{\"id\":\"gen-warmup\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"warm\"},\"finish_reason\":\"stop\"}]," + USAGE + "}")
            .getBytes(StandardCharsets.US_ASCII);
    /** The stream's events, each written and flushed on its own as a real upstream sends tokens. */
    private static final byte[][] EVENTS;

    static {
        List<String> events = new ArrayList<>();
        events.add(": OPENROUTER PROCESSING\n\n");
        for (int i = 0; i < 20; i++) {
            events.add("data: {\"id\":\"gen-warmup\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"role\":\"assistant\",\"content\":\" warm\"},\"finish_reason\":null}]}\n\n");
        }
        events.add("data: {\"id\":\"gen-warmup\",\"object\":\"chat.completion.chunk\",\"choices\":[]," + USAGE + "}\n\n");
        events.add("data: [DONE]\n\n");
        EVENTS = events.stream().map(e -> e.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
    }

    private final EventLoopGroup group;
    private final Channel server;

    private WarmUpUpstream(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    static WarmUpUpstream start(Transport transport) throws InterruptedException {
        EventLoopGroup group = transport.newGroup(1, "dexto-warmup-upstream");
        Answers answers = new Answers();
        Channel ch = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), answers);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return new WarmUpUpstream(group, ch);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/api/v1";
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ChannelHandler.Sharable
    private static final class Answers extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (request.uri().endsWith("/models")) {
                ctx.writeAndFlush(whole(MODELS));
                return;
            }
            boolean stream = request.content().toString(StandardCharsets.UTF_8).contains("\"stream\":true");
            if (!stream) {
                ctx.writeAndFlush(whole(WHOLE));
                return;
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED).set("X-Generation-Id", "gen-warmup");
            ctx.writeAndFlush(head);
            for (byte[] event : EVENTS) {
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(event)));
            }
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }

        private static FullHttpResponse whole(byte[] body) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length).set("X-Generation-Id", "gen-warmup");
            return r;
        }
    }
}
