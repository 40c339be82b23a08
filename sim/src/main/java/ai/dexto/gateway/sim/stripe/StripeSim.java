package ai.dexto.gateway.sim.stripe;

import ai.dexto.gateway.sim.SimConfig;
import ai.dexto.gateway.sim.http.Responses;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.util.Map;

/** The Stripe side of the simulator (work in progress: checkout sessions and webhooks follow). */
public final class StripeSim implements AutoCloseable {
    private volatile String webhookUrl;
    private volatile String webhookSecret;
    private volatile String baseUrl;

    public StripeSim(SimConfig config, Clock clock) {
        this.webhookUrl = config.stripeWebhookUrl();
        this.webhookSecret = config.stripeWebhookSecret();
    }

    public void setWebhook(String url, String secret) {
        this.webhookUrl = url;
        this.webhookSecret = secret;
    }

    public ChannelHandler handler() {
        return new Handler();
    }

    public void listeningOn(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    @Override
    public void close() {
    }

    @ChannelHandler.Sharable
    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            Responses.send(ctx, request, Responses.json(HttpResponseStatus.NOT_FOUND, Map.of("error", Map.of("message", "not yet"))));
        }
    }
}
