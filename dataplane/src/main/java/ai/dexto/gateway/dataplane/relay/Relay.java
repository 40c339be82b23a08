package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.dataplane.GatewayConfig;
import ai.dexto.gateway.dataplane.credit.CreditPolicy;
import ai.dexto.gateway.dataplane.journal.UsageJournal;
import ai.dexto.gateway.dataplane.ops.AccessLog;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import ai.dexto.gateway.dataplane.server.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
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
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * What every {@link ChatExchange} shares: the upstream target, one connection pool per event loop,
 * the circuit breaker, the journal, billing policy, metrics and the generation-cost fallback.
 */
public final class Relay {
    final GatewayConfig config;
    final UpstreamTarget target;
    final CircuitBreaker breaker;
    final UsageJournal journal;
    final CreditPolicy credit;
    final GatewayMetrics metrics;
    final AccessLog accessLog;
    final GenerationLookup generations;
    final long firstByteTimeoutNanos;
    final long chunkTimeoutNanos;
    private final Bootstrap template;
    private final FastThreadLocal<UpstreamPool> pools = new FastThreadLocal<>();

    public Relay(GatewayConfig config, Transport transport, CircuitBreaker breaker, UsageJournal journal,
                 CreditPolicy credit, GatewayMetrics metrics, AccessLog accessLog, GenerationLookup generations)
            throws SSLException {
        this.config = config;
        this.target = UpstreamTarget.parse(config.upstreamUrl());
        this.breaker = breaker;
        this.journal = journal;
        this.credit = credit;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.generations = generations;
        this.firstByteTimeoutNanos = config.upstreamFirstByteTimeout().toNanos();
        this.chunkTimeoutNanos = config.upstreamChunkTimeout().toNanos();
        SslContext ssl = null;
        if (target.tls()) {
            SslContextBuilder b = SslContextBuilder.forClient()
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .endpointIdentificationAlgorithm("HTTPS");
            if (config.upstreamCaFile() != null) {
                b.trustManager(config.upstreamCaFile().toFile());
            }
            ssl = b.build();
        }
        final SslContext tls = ssl;
        this.template = new Bootstrap()
                .channel(transport.clientChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOCATOR, io.netty.buffer.PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.upstreamConnectTimeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (tls != null) {
                            p.addLast("tls", tls.newHandler(ch.alloc(), target.host(), target.port()));
                        }
                        p.addLast("codec", new HttpClientCodec(8192, 64 * 1024, 64 * 1024));
                        p.addLast("idle", new IdleStateHandler(0, 0, 60, TimeUnit.SECONDS));
                        p.addLast("upstream", new UpstreamHandler());
                    }
                });
    }

    /** The calling event loop's pool; call on that loop only. */
    UpstreamPool pool(EventLoop loop) {
        UpstreamPool pool = pools.get();
        if (pool == null) {
            pool = new UpstreamPool(template, loop, target, 256);
            pools.set(pool);
        }
        return pool;
    }

    public UpstreamTarget target() {
        return target;
    }

    public CreditPolicy credit() {
        return credit;
    }
}
