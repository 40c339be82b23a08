package ai.dexto.gateway.dataplane.server;

import ai.dexto.gateway.dataplane.GatewayConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * A client connection's pipeline, which is the data plane's front half:
 * {@code [tls] → limit → deadline → http codec → keep-alive → idle → body limit → router}.
 */
public final class GatewayInitializer extends ChannelInitializer<Channel> {
    private final GatewayConfig config;
    private final SslContext ssl;
    private final ConnectionLimiter limiter;
    private final Routes routes;

    public GatewayInitializer(GatewayConfig config, SslContext ssl, ConnectionLimiter limiter, Routes routes) {
        this.config = config;
        this.ssl = ssl;
        this.limiter = limiter;
        this.routes = routes;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("limit", limiter);
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        p.addLast("deadline", new RequestDeadline(config.requestReadTimeout().toNanos()));
        p.addLast("codec", new HttpServerCodec(8192, config.maxHeaderBytes(), 8192));
        p.addLast("keepAlive", new HttpServerKeepAliveHandler());
        p.addLast("idle", new IdleStateHandler(0, 0, config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        p.addLast("body", new BodyLimit(config.maxBodyBytes()));
        p.addLast("router", new RequestRouter(routes));
    }
}
