package ai.dexto.gateway.dataplane;

import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.common.feed.FeedChanges;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.dataplane.account.Accounts;
import ai.dexto.gateway.dataplane.account.UserAccount;
import ai.dexto.gateway.dataplane.auth.Authenticator;
import ai.dexto.gateway.dataplane.auth.KeyCache;
import ai.dexto.gateway.dataplane.auth.KeyLookups;
import ai.dexto.gateway.dataplane.auth.KeyVerifier;
import ai.dexto.gateway.dataplane.credit.CreditPolicy;
import ai.dexto.gateway.dataplane.credit.Settler;
import ai.dexto.gateway.dataplane.feed.ControlPlaneClient;
import ai.dexto.gateway.dataplane.feed.FeedApplier;
import ai.dexto.gateway.dataplane.feed.FeedClient;
import ai.dexto.gateway.dataplane.forward.ControlPlaneConnections;
import ai.dexto.gateway.dataplane.front.ClientGate;
import ai.dexto.gateway.dataplane.front.Transport;
import ai.dexto.gateway.dataplane.journal.UsageJournal;
import ai.dexto.gateway.dataplane.models.ModelCatalog;
import ai.dexto.gateway.dataplane.ops.AccessLog;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import ai.dexto.gateway.dataplane.ops.OpsServer;
import ai.dexto.gateway.dataplane.pipeline.BodyBudget;
import ai.dexto.gateway.dataplane.pipeline.GatewayInitializer;
import ai.dexto.gateway.dataplane.ratelimit.AddressBuckets;
import ai.dexto.gateway.dataplane.ratelimit.RateLimiter;
import ai.dexto.gateway.dataplane.relay.ChatExchanges;
import ai.dexto.gateway.dataplane.relay.CircuitBreakers;
import ai.dexto.gateway.dataplane.relay.ExchangeRegistry;
import ai.dexto.gateway.dataplane.relay.GenerationLookup;
import ai.dexto.gateway.dataplane.relay.RelayTimeouts;
import ai.dexto.gateway.dataplane.relay.UpstreamClient;
import ai.dexto.gateway.dataplane.relay.UpstreamTarget;
import ai.dexto.gateway.dataplane.warmup.WarmUps;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway, in process: {@link #start(GatewayConfig)} wires the parts (each gets what it
 * uses), binds the gateway and ops ports and returns once both listen. Tests (and the e2e module)
 * seed state through {@link #apply(FeedSnapshot)} and {@link #apply(FeedChanges)}, the feed client's
 * code path. {@link #close()} stops accepting, lets open exchanges finish for the grace period, cuts
 * and settles the rest, then drains the journal.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final EventLoopGroup group;
    private final Channel server;
    private final OpsServer ops;
    private final UsageJournal journal;
    private final FeedApplier feed;
    private final FeedClient feedClient;
    private final Accounts accounts;
    private final ModelCatalog models;
    private final GatewayMetrics metrics;
    private final CircuitBreakers breakers;
    private final ExchangeRegistry exchanges;
    private final ScheduledExecutorService background;
    private final String transport;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Gateway(GatewayConfig config, EventLoopGroup group, Channel server, OpsServer ops, UsageJournal journal,
                    FeedApplier feed, FeedClient feedClient, Accounts accounts, ModelCatalog models,
                    GatewayMetrics metrics, CircuitBreakers breakers, ExchangeRegistry exchanges,
                    ScheduledExecutorService background, String transport) {
        this.config = config;
        this.group = group;
        this.server = server;
        this.ops = ops;
        this.journal = journal;
        this.feed = feed;
        this.feedClient = feedClient;
        this.accounts = accounts;
        this.models = models;
        this.metrics = metrics;
        this.breakers = breakers;
        this.exchanges = exchanges;
        this.background = background;
        this.transport = transport;
    }

    public static Gateway start(GatewayConfig config) throws Exception {
        long warmedUp = config.warmUp().isZero() ? 0 : warmUp(config);
        Transport transport = Transport.best();
        HttpClient controlHttp = TrustedHttp.client(config.controlCaFile());
        HttpClient upstreamHttp = TrustedHttp.client(config.upstreamCaFile());
        GatewayMetrics metrics = new GatewayMetrics();
        Accounts accounts = new Accounts();
        KeyCache keys = new KeyCache(config.negativeKeyCacheTtl(), 100_000);
        RateLimiter limiter = new RateLimiter(config.globalRequestsPerMinute(), config.globalBurst());
        FeedApplier feed = new FeedApplier(accounts, keys, limiter, UpstreamKeyCipher.fromBase64(config.encryptionKeyBase64()));
        ControlPlaneClient control = new ControlPlaneClient(controlHttp, config.controlInternalUrl(), config.internalToken(),
                config.nodeId());
        feed.askHealsOf(control);
        ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dexto-background");
            t.setDaemon(true);
            return t;
        });
        ModelCatalog models = new ModelCatalog(upstreamHttp, config.upstreamUrl());
        models.refresh();
        models.scheduleRefresh(background, config.modelsRefreshInterval());
        UsageJournal journal = new UsageJournal(config.journalDir(), config.nodeId(), config.journalRingSize(),
                config.journalDiskFloorBytes());
        journal.replayRecentSpend(1_000_000, (user, seq, billed) -> accounts.getOrCreate(user).settle(0, billed, seq));
        background.scheduleWithFixedDelay(journal::checkDisk, 1, 1, TimeUnit.SECONDS);
        CircuitBreakers breakers = new CircuitBreakers(config.breakerFailureThreshold(), config.breakerMinUsers(),
                config.breakerOpenDuration().toNanos());
        ExchangeRegistry exchanges = new ExchangeRegistry();
        Settler settler = new Settler(journal, metrics);
        CreditPolicy credit = new CreditPolicy(config.markupBasisPoints(), config.webResultNanos());
        ChatExchanges chats = new ChatExchanges(
                new UpstreamClient(UpstreamTarget.parse(config.upstreamUrl()), transport.clientChannel(),
                        config.upstreamConnectTimeout(), config.upstreamCaFile()),
                settler, new GenerationLookup(upstreamHttp, config.upstreamUrl()), credit, breakers, feed,
                new RelayTimeouts(config.upstreamFirstByteTimeout().toNanos(), config.upstreamChunkTimeout().toNanos(),
                        config.writeStallTimeout().toNanos(), config.orphanTimeout().toNanos(),
                        config.inFlightRecordAfter().toNanos()),
                exchanges, metrics);
        KeyLookups lookups = new KeyLookups(control::lookupKey, feed, keys, config.maxKeyLookupsInFlight());
        SslContext ssl = config.tlsEnabled()
                ? SslContextBuilder.forServer(config.tlsCert().toFile(), config.tlsKey().toFile())
                        .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK).build()
                : null;
        ClientGate gate = new ClientGate(config.maxConnections(), config.maxConnectionsPerAddress(), ssl != null);
        BodyBudget bodies = new BodyBudget(config.bodyMemoryBytes());
        AddressBuckets unauthenticated = new AddressBuckets(config.unauthenticatedPerMinute(),
                Math.max(1, config.unauthenticatedPerMinute() / 2), 100_000);
        GatewayInitializer.Steps steps = new GatewayInitializer.Steps(gate,
                new GatewayInitializer.ClientLimits(config.newConnectionTimeout().toNanos(), config.idleTimeout().toNanos(),
                        config.headerTimeout().toNanos(), config.bodyTimeout().toNanos(), config.maxHeaderBytes(),
                        config.maxBodyBytes(), 1 << 20, config.upstreamFirstByteTimeout().toNanos()),
                ssl, new KeyVerifier(new Authenticator(keys), lookups), unauthenticated, limiter,
                new AddressBuckets(config.validationsPerMinute(), Math.max(1, config.validationsPerMinute() / 2), 100_000),
                new AddressBuckets(config.accountCallsPerMinute(), Math.max(1, config.accountCallsPerMinute() / 4), 100_000),
                bodies, models, credit, settler, chats,
                new ControlPlaneConnections(config.controlUrl(), config.controlCaFile(), transport.clientChannel()),
                metrics, new AccessLog(), config.topUpUrl(), config.forwardSimHeaders());
        GatewayGauges.register(metrics, keys, journal, feed, breakers, models, gate, bodies, lookups, exchanges);
        metrics.gauge("dexto_gateway_warmup_requests", "Requests the warm-up ran through a throwaway copy before start",
                () -> warmedUp);

        EventLoopGroup group = transport.newGroup(config.ioThreads(), "dexto-io");
        OpsServer ops = null;
        try {
            Channel server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.AUTO_READ, false)
                    // Pooled, not 4.2's adaptive default: its retained slices are recycled objects, which
                    // keeps the relay's chunk framing free of allocation (see ChunkFramer).
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 128 * 1024))
                    .childHandler(new GatewayInitializer(steps))
                    .bind(new InetSocketAddress(config.bindHost(), config.port())).sync().channel();
            ops = OpsServer.start(transport, config.opsBindHost(), config.opsPort(), metrics,
                    () -> readiness(feed, journal, exchanges));
            FeedClient feedClient = null;
            if (config.startFeed()) {
                feedClient = new FeedClient(control, feed);
                feedClient.start();
            }
            return new Gateway(config, group, server, ops, journal, feed, feedClient, accounts, models, metrics,
                    breakers, exchanges, background, transport.name());
        } catch (Exception e) {
            if (ops != null) {
                ops.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            journal.close();
            background.shutdownNow();
            throw e;
        }
    }

    /**
     * Runs warm-up traffic through a throwaway copy of this gateway against a loopback stand-in
     * upstream (see {@link WarmUps}), so the real one starts with its request path compiled.
     */
    private static long warmUp(GatewayConfig config) throws Exception {
        long started = System.nanoTime();
        Path dir = java.nio.file.Files.createTempDirectory("dexto-warmup-");
        String[] upstreamUrl = new String[1];
        WarmUps.Result result;
        try (AutoCloseable upstream = WarmUps.upstream(Transport.best(), upstreamUrl);
             Gateway copy = Gateway.start(config.forWarmUp(upstreamUrl[0], dir))) {
            WarmUps.Users users = WarmUps.users(UpstreamKeyCipher.fromBase64(config.encryptionKeyBase64()));
            copy.apply(users.snapshot());
            result = WarmUps.drive(copy.port(), copy.opsPort(), users, Math.max(2, config.ioThreads() * 2),
                    config.warmUpMin().toMillis(), config.warmUp().toMillis());
        } finally {
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        LOG.info("warmed up: {} requests through a throwaway copy in {} ms, {}", result.answered(), result.millis(),
                result.jitQuiet() ? "until the JIT went quiet" : "to the limit (the JIT was still compiling)");
        LOG.debug("warm-up with set-up and clean-up took {} ms", (System.nanoTime() - started) / 1_000_000);
        return result.answered();
    }

    /** Why the node must not get traffic, or null when it may. */
    private static String readiness(FeedApplier feed, UsageJournal journal, ExchangeRegistry exchanges) {
        if (exchanges.stopping()) {
            return "stopping";
        }
        if (!feed.snapshotLoaded()) {
            return "feed snapshot not loaded";
        }
        return journal.unavailableReason();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public int opsPort() {
        return ops.port();
    }

    public String url() {
        return (config.tlsEnabled() ? "https" : "http") + "://" + hostForUrl(config.bindHost()) + ":" + port();
    }

    public String opsUrl() {
        return "http://" + hostForUrl(config.opsBindHost()) + ":" + opsPort();
    }

    private static String hostForUrl(String h) {
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
        return readiness(feed, journal, exchanges) == null;
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
        return new String(metrics.scrape(), StandardCharsets.UTF_8);
    }

    public UsageJournal journal() {
        return journal;
    }

    public long journalWritten() {
        return journal.written();
    }

    public long journalBacklog() {
        return journal.backlog();
    }

    public boolean circuitOpen() {
        return breakers.anyOpen();
    }

    /** Exchanges not settled yet. */
    public int openExchanges() {
        return exchanges.open();
    }

    /**
     * Stops accepting and refuses new chats, lets open exchanges finish for the grace period, then cuts
     * the rest (streams end with an error event) and settles each before the journal drains and closes.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        exchanges.stop();
        if (feedClient != null) {
            feedClient.close();
        }
        server.close().syncUninterruptibly();
        try {
            if (!exchanges.awaitSettled(config.shutdownGrace().toNanos())) {
                LOG.warn("{} chat requests still open after the {} ms grace period: cutting and settling them",
                        exchanges.open(), config.shutdownGrace().toMillis());
                exchanges.cutAll();
                if (!exchanges.awaitSettled(TimeUnit.SECONDS.toNanos(10))) {
                    LOG.error("{} chat requests did not settle before shutdown", exchanges.open());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ops.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        background.shutdownNow();
        journal.close();
        LOG.info("gateway stopped; journal drained ({} events written)", journal.written());
    }
}
