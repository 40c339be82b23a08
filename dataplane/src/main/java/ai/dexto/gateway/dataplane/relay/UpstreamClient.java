package ai.dexto.gateway.dataplane.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Connections to the upstream: one keep-alive pool per event loop, so a request's upstream channel
 * lives on its client channel's loop and its bytes never cross threads (HexDumpProxy, Zuul 2 and
 * Armeria do the same). An upstream connection's pipeline is {@code [tls] → codec → origin}.
 */
public final class UpstreamClient {
    private static final int MAX_IDLE_PER_LOOP = 256;

    private final UpstreamTarget target;
    private final Bootstrap template;
    private final FastThreadLocal<UpstreamPool> pools = new FastThreadLocal<>();

    public UpstreamClient(UpstreamTarget target, Class<? extends Channel> channelClass, Duration connectTimeout,
                          Path caFile) throws SSLException {
        this.target = target;
        SslContext tls = null;
        if (target.tls()) {
            SslContextBuilder b = SslContextBuilder.forClient()
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .endpointIdentificationAlgorithm("HTTPS");
            if (caFile != null) {
                b.trustManager(caFile.toFile());
            }
            tls = b.build();
        }
        final SslContext ssl = tls;
        this.template = new Bootstrap()
                .channel(channelClass)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (ssl != null) {
                            p.addLast("tls", ssl.newHandler(ch.alloc(), target.host(), target.port()));
                        }
                        p.addLast("codec", new HttpClientCodec(8192, 64 * 1024, 64 * 1024));
                        p.addLast("idle", new IdleStateHandler(0, 0, 60, TimeUnit.SECONDS));
                        p.addLast("origin", new OriginReceiver());
                    }
                });
    }

    public UpstreamTarget target() {
        return target;
    }

    /** A pooled live connection of the calling loop, else a new one; call on that loop only. */
    ChannelFuture acquire(EventLoop loop) {
        return pool(loop).acquire();
    }

    /** Back to the loop's pool (kept alive) or closed. */
    void release(EventLoop loop, Channel ch) {
        pool(loop).release(ch);
    }

    private UpstreamPool pool(EventLoop loop) {
        UpstreamPool pool = pools.get();
        if (pool == null) {
            pool = new UpstreamPool(template, loop, target, MAX_IDLE_PER_LOOP);
            pools.set(pool);
        }
        return pool;
    }
}
