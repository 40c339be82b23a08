package ai.dexto.gateway.dataplane;

import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.common.feed.FeedChanges;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.dataplane.auth.Authenticator;
import ai.dexto.gateway.dataplane.auth.KeyCache;
import ai.dexto.gateway.dataplane.auth.KeyLookups;
import ai.dexto.gateway.dataplane.credit.Accounts;
import ai.dexto.gateway.dataplane.credit.CreditPolicy;
import ai.dexto.gateway.dataplane.credit.UserAccount;
import ai.dexto.gateway.dataplane.feed.ControlPlaneClient;
import ai.dexto.gateway.dataplane.feed.FeedApplier;
import ai.dexto.gateway.dataplane.feed.FeedClient;
import ai.dexto.gateway.dataplane.journal.UsageJournal;
import ai.dexto.gateway.dataplane.models.ModelCatalog;
import ai.dexto.gateway.dataplane.ops.AccessLog;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import ai.dexto.gateway.dataplane.ops.OpsHandler;
import ai.dexto.gateway.dataplane.ratelimit.RateLimiter;
import ai.dexto.gateway.dataplane.relay.CircuitBreaker;
import ai.dexto.gateway.dataplane.relay.GenerationLookup;
import ai.dexto.gateway.dataplane.relay.Relay;
import ai.dexto.gateway.dataplane.server.ChatRoute;
import ai.dexto.gateway.dataplane.server.ConnectionLimiter;
import ai.dexto.gateway.dataplane.server.GatewayInitializer;
import ai.dexto.gateway.dataplane.server.KeyCheck;
import ai.dexto.gateway.dataplane.server.ModelsRoute;
import ai.dexto.gateway.dataplane.server.Routes;
import ai.dexto.gateway.dataplane.server.Transport;
import ai.dexto.gateway.dataplane.server.ValidateRoute;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway, in process: {@link #start(GatewayConfig)} binds the gateway and ops ports and
 * returns once both listen. Tests (and the e2e module) seed state through {@link #apply(FeedSnapshot)}
 * and {@link #apply(FeedChanges)}, the same code path the feed client uses, and read
 * {@link #metricsText()}. {@link #close()} stops accepting, then drains the journal.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final EventLoopGroup group;
    private final EventLoopGroup opsGroup;
    private final Channel server;
    private final Channel ops;
    private final UsageJournal journal;
    private final FeedApplier feed;
    private final FeedClient feedClient;
    private final Accounts accounts;
    private final KeyCache keys;
    private final ModelCatalog models;
    private final GatewayMetrics metrics;
    private final CircuitBreaker breaker;
    private final ScheduledExecutorService background;
    private final String transport;

    private Gateway(GatewayConfig config, EventLoopGroup group, EventLoopGroup opsGroup, Channel server, Channel ops,
                    UsageJournal journal, FeedApplier feed, FeedClient feedClient, Accounts accounts, KeyCache keys,
                    ModelCatalog models, GatewayMetrics metrics, CircuitBreaker breaker,
                    ScheduledExecutorService background, String transport) {
        this.config = config;
        this.group = group;
        this.opsGroup = opsGroup;
        this.server = server;
        this.ops = ops;
        this.journal = journal;
        this.feed = feed;
        this.feedClient = feedClient;
        this.accounts = accounts;
        this.keys = keys;
        this.models = models;
        this.metrics = metrics;
        this.breaker = breaker;
        this.background = background;
        this.transport = transport;
    }

    public static Gateway start(GatewayConfig config) throws Exception {
        Transport transport = Transport.best();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpClient upstreamHttp = upstreamClient(config);
        UpstreamKeyCipher cipher = UpstreamKeyCipher.fromBase64(config.encryptionKeyBase64());
        GatewayMetrics metrics = new GatewayMetrics();
        Accounts accounts = new Accounts();
        KeyCache keys = new KeyCache();
        RateLimiter limiter = new RateLimiter(config.globalRequestsPerMinute(), config.globalBurst());
        FeedApplier feed = new FeedApplier(accounts, keys, limiter, cipher);
        ControlPlaneClient control = new ControlPlaneClient(http, config.controlInternalUrl(), config.internalToken(),
                config.nodeId());
        ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dexto-background");
            t.setDaemon(true);
            return t;
        });
        ModelCatalog models = new ModelCatalog(upstreamHttp, config.upstreamUrl());
        models.refresh();
        models.scheduleRefresh(background, config.modelsRefreshInterval());
        UsageJournal journal = new UsageJournal(config.journalDir(), config.nodeId(), config.journalRingSize());
        journal.replayRecentSpend(1_000_000, (user, seq, billed) -> accounts.getOrCreate(user).settle(0, billed, seq));
        CircuitBreaker breaker = new CircuitBreaker(config.breakerFailureThreshold(),
                config.breakerOpenDuration().toNanos());
        metrics.gauge("dexto_gateway_key_cache_size", "API keys held in memory", keys::size);
        metrics.gauge("dexto_gateway_journal_backlog", "Usage events published but not yet written", journal::backlog);
        metrics.counterFn("dexto_gateway_journal_dropped", "Usage events dropped because the ring was full",
                journal::drops);
        metrics.counterFn("dexto_gateway_journal_written", "Usage events written to the journal", journal::written);
        metrics.gauge("dexto_gateway_feed_lag_seconds", "Seconds since the control-plane feed last answered",
                feed::lagSeconds);
        metrics.gauge("dexto_gateway_circuit_open", "1 while the upstream circuit breaker is open",
                () -> breaker.isOpen() ? 1 : 0);
        metrics.gauge("dexto_gateway_models", "Models in the catalogue", () -> models.snapshot().byId().size());

        AccessLog accessLog = new AccessLog();
        Relay relay = new Relay(config, transport, breaker, journal, new CreditPolicy(config.markupBasisPoints()),
                metrics, accessLog, new GenerationLookup(upstreamHttp, config.upstreamUrl()));
        KeyCheck keyCheck = new KeyCheck(new Authenticator(keys),
                new KeyLookups(control, feed, keys, config.negativeKeyCacheTtl().toNanos()));
        Routes routes = new Routes(
                new ChatRoute(keyCheck, limiter, models, relay, metrics, config.topUpUrl(), config.forwardSimHeaders()),
                new ModelsRoute(models), new ValidateRoute(keyCheck), metrics, accessLog);

        SslContext ssl = null;
        if (config.tlsEnabled()) {
            ssl = SslContextBuilder.forServer(config.tlsCert().toFile(), config.tlsKey().toFile())
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK).build();
        }
        EventLoopGroup group = transport.newGroup(config.ioThreads(), "dexto-io");
        EventLoopGroup opsGroup = transport.newGroup(1, "dexto-ops");
        try {
            Channel server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.AUTO_READ, false)
                    // Pooled, not 4.2's adaptive default: its retained slices are recycled objects, which
                    // keeps the relay's chunk framing free of allocation (see ChunkFramer).
                    .childOption(ChannelOption.ALLOCATOR, io.netty.buffer.PooledByteBufAllocator.DEFAULT)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 128 * 1024))
                    .childHandler(new GatewayInitializer(config, ssl,
                            new ConnectionLimiter(config.maxConnections(), ssl != null), routes))
                    .bind(new InetSocketAddress(config.bindHost(), config.port())).sync().channel();
            OpsHandler opsHandler = new OpsHandler(metrics, feed::snapshotLoaded);
            Channel ops = new ServerBootstrap().group(opsGroup).channel(transport.serverChannel())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), opsHandler);
                        }
                    })
                    .bind(new InetSocketAddress(config.bindHost(), config.opsPort())).sync().channel();
            FeedClient feedClient = null;
            if (config.startFeed()) {
                feedClient = new FeedClient(control, feed);
                feedClient.start();
            }
            return new Gateway(config, group, opsGroup, server, ops, journal, feed, feedClient, accounts, keys, models,
                    metrics, breaker, background, transport.name());
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            opsGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            journal.close();
            background.shutdownNow();
            throw e;
        }
    }

    /** The JDK client for the upstream's side APIs (models, generation stats), trusting the configured CA. */
    private static HttpClient upstreamClient(GatewayConfig config) throws Exception {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        if (config.upstreamCaFile() != null) {
            java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            ks.load(null, null);
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(config.upstreamCaFile())) {
                int i = 0;
                for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificates(in)) {
                    ks.setCertificateEntry("ca-" + i++, c);
                }
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            b.sslContext(ctx);
        }
        return b.build();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public int opsPort() {
        return ((InetSocketAddress) ops.localAddress()).getPort();
    }

    public String url() {
        return (config.tlsEnabled() ? "https" : "http") + "://" + hostForUrl() + ":" + port();
    }

    public String opsUrl() {
        return "http://" + hostForUrl() + ":" + opsPort();
    }

    private String hostForUrl() {
        String h = config.bindHost();
        return h.equals("0.0.0.0") || h.equals("::") ? "127.0.0.1" : h;
    }

    public String transport() {
        return transport;
    }

    public GatewayConfig config() {
        return config;
    }

    public Path journalDir() {
        return config.journalDir();
    }

    /** Applies a feed snapshot through the feed client's code path (tests, e2e seeding). */
    public void apply(FeedSnapshot snapshot) {
        feed.apply(snapshot);
    }

    /** Applies feed changes through the feed client's code path. */
    public void apply(FeedChanges changes) {
        feed.apply(changes);
    }

    public boolean ready() {
        return feed.snapshotLoaded();
    }

    public UserAccount account(String userId) {
        return accounts.get(userId);
    }

    public ModelCatalog models() {
        return models;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public String metricsText() {
        return new String(metrics.scrape(), java.nio.charset.StandardCharsets.UTF_8);
    }

    public long journalWritten() {
        return journal.written();
    }

    public long journalDrops() {
        return journal.drops();
    }

    public long journalBacklog() {
        return journal.backlog();
    }

    public boolean circuitOpen() {
        return breaker.isOpen();
    }

    /** Stops accepting, lets the event loops finish, then drains the journal ring into the queue. */
    @Override
    public void close() {
        if (feedClient != null) {
            feedClient.close();
        }
        server.close().syncUninterruptibly();
        ops.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        opsGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        background.shutdownNow();
        journal.close();
        LOG.info("gateway stopped; journal drained ({} events written)", journal.written());
    }
}
