package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.common.feed.FeedChanges;
import ai.dexto.gateway.common.feed.FeedKey;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.FeedTier;
import ai.dexto.gateway.common.feed.FeedUser;
import ai.dexto.gateway.common.usage.StringCache;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageEventCodec;
import ai.dexto.gateway.common.usage.UsageQueues;
import ai.dexto.gateway.common.usage.UsageStatus;
import ai.dexto.gateway.dataplane.GatewayConfig;
import ai.dexto.gateway.dataplane.account.Accounts;
import ai.dexto.gateway.dataplane.account.UserAccount;
import ai.dexto.gateway.dataplane.auth.Authenticator;
import ai.dexto.gateway.dataplane.auth.KeyCache;
import ai.dexto.gateway.dataplane.auth.KeyLookups;
import ai.dexto.gateway.dataplane.auth.KeyVerifier;
import ai.dexto.gateway.dataplane.credit.CreditPolicy;
import ai.dexto.gateway.dataplane.credit.Settler;
import ai.dexto.gateway.dataplane.feed.FeedApplier;
import ai.dexto.gateway.dataplane.forward.ControlPlaneConnections;
import ai.dexto.gateway.dataplane.front.ClientGate;
import ai.dexto.gateway.dataplane.journal.UsageJournal;
import ai.dexto.gateway.dataplane.models.ModelCatalog;
import ai.dexto.gateway.dataplane.ops.AccessLog;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import ai.dexto.gateway.dataplane.pipeline.BodyBudget;
import ai.dexto.gateway.dataplane.pipeline.GatewayInitializer;
import ai.dexto.gateway.dataplane.ratelimit.AddressBuckets;
import ai.dexto.gateway.dataplane.ratelimit.RateLimiter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The data plane's real parts wired as {@code Gateway.start} wires them, with the client connection
 * an {@link EmbeddedChannel} carrying the real {@link GatewayInitializer} pipeline and each upstream
 * connection an {@link EmbeddedChannel} with the upstream pipeline of {@link UpstreamClient}
 * ({@code codec → idle → origin}), handed to the exchange through the loop's connection pool as a
 * kept-alive connection would be. Time is the embedded loop's, frozen until a
 * test advances it. The journal is a real Chronicle Queue in a scratch directory; generation lookups
 * are {@link CannedGenerations}.
 */
final class EmbeddedGateway implements AutoCloseable {
    static final String MODEL = "m/x";
    static final String MODELS_JSON = "{\"data\":[{\"id\":\"m/x\",\"pricing\":{\"prompt\":\"0.00000015\","
            + "\"completion\":\"0.0000006\"},\"context_length\":128000,\"top_provider\":{\"max_completion_tokens\":16384}}]}";
    static final String UPSTREAM_KEY = "sk-or-v1-embedded";

    /** The settings a test may change before {@link #start}. */
    static final class Settings {
        long firstByte = TimeUnit.SECONDS.toNanos(30);
        long chunk = TimeUnit.SECONDS.toNanos(20);
        long writeStall = TimeUnit.SECONDS.toNanos(10);
        long orphan = TimeUnit.SECONDS.toNanos(60);
        /** In-flight records at once: the lifecycle tests see every stream's intent record. */
        long inFlightRecord = 0;
        long bodyMemory = 64L << 20;
        int maxBody = 1 << 20;
        long unauthenticatedPerMinute = 120;
        /** 0 turns a per-address bucket off (a fuzzer's inputs must not depend on the ones before). */
        long validationsPerMinute = 120;
        long accountCallsPerMinute = 600;
        /** Distinct failing users that open a route's breaker. */
        int breakerMinUsers = 1;
    }

    final Path dir;
    final Settings settings;
    final GatewayMetrics metrics = new GatewayMetrics();
    final Accounts accounts = new Accounts();
    final KeyCache keys = new KeyCache(Duration.ofSeconds(60), 10_000);
    final RateLimiter limiter = new RateLimiter(1_000_000, 100_000);
    final UpstreamKeyCipher cipher = UpstreamKeyCipher.fromBase64(GatewayConfig.DEV_ENCRYPTION_KEY);
    final FeedApplier feed = new FeedApplier(accounts, keys, limiter, cipher);
    final ModelCatalog models = new ModelCatalog(null, "http://127.0.0.1:1");
    final CannedGenerations generations = new CannedGenerations();
    final ExchangeRegistry registry = new ExchangeRegistry();
    final BodyBudget bodies;
    final ClientGate gate = new ClientGate(10_000, 10_000, false);
    final UsageJournal journal;
    final UpstreamClient upstreams;
    final GatewayInitializer initializer;
    /** What an upstream-key heal answers; a test may replace it with one it completes itself. */
    volatile CompletableFuture<Boolean> healAnswer = CompletableFuture.completedFuture(false);
    /**
     * Holds the event loop every connection of this node is registered on (as one of a real node's
     * loops): its clock is frozen, and the loop's upstream pool keeps connections across clients.
     */
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final AtomicLong cursor = new AtomicLong(1);
    private final SecureRandom random = new SecureRandom();

    private EmbeddedGateway(Path dir, Settings s) throws Exception {
        this.dir = dir;
        this.settings = s;
        this.bodies = new BodyBudget(s.bodyMemory);
        models.install(MODELS_JSON.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        journal = new UsageJournal(dir.resolve("journal"), "embedded", 1 << 10, 0);
        Settler settler = new Settler(journal, metrics);
        CreditPolicy credit = new CreditPolicy(0, 4_000_000);
        // no upstream socket can be made on an embedded loop: an exchange that finds no pooled
        // connection fails to connect (as it would against a dead upstream)
        upstreams = new UpstreamClient(UpstreamTarget.parse("http://127.0.0.1:1/api/v1"), EmbeddedChannel.class,
                Duration.ofSeconds(1), null);
        ChatExchanges chats = new ChatExchanges(upstreams, settler,
                new GenerationLookup(generations, "http://127.0.0.1:1/api/v1"), credit,
                new CircuitBreakers(1000, s.breakerMinUsers, TimeUnit.SECONDS.toNanos(5)), (account, trace) -> healAnswer,
                new RelayTimeouts(s.firstByte, s.chunk, s.writeStall, s.orphan, s.inFlightRecord), registry, metrics);
        KeyLookups lookups = new KeyLookups((hash, trace) -> CompletableFuture.completedFuture(java.util.Optional.empty()), feed,
                keys, 64);
        long seconds = TimeUnit.SECONDS.toNanos(1);
        GatewayInitializer.Steps steps = new GatewayInitializer.Steps(gate,
                new GatewayInitializer.ClientLimits(10 * seconds, 60 * seconds, 10 * seconds, 30 * seconds, 16 * 1024,
                        s.maxBody, 1 << 20, 30 * seconds),
                null, new KeyVerifier(new Authenticator(keys), lookups),
                new AddressBuckets(s.unauthenticatedPerMinute, Math.max(1, s.unauthenticatedPerMinute / 2), 1000), limiter,
                new AddressBuckets(s.validationsPerMinute, Math.max(1, s.validationsPerMinute / 2), 1000),
                new AddressBuckets(s.accountCallsPerMinute, Math.max(1, s.accountCallsPerMinute / 4), 1000), bodies, models,
                credit, settler, chats, new ControlPlaneConnections("http://127.0.0.1:1", null, EmbeddedChannel.class), metrics,
                new AccessLog(),
                "https://dexto.ai/billing", false);
        initializer = new GatewayInitializer(steps);
        loop.freezeTime();
        feed.apply(new FeedSnapshot(1, List.of(new FeedTier("unlimited", 0, 0, true)), List.of(), List.of()));
    }

    static EmbeddedGateway start(Consumer<Settings> tweak) throws Exception {
        Settings s = new Settings();
        tweak.accept(s);
        return new EmbeddedGateway(Files.createTempDirectory("dexto-embedded-"), s);
    }

    /** A user with one active key and this balance; returns the key. */
    String addUser(String userId, long balanceNanos) {
        String key = ApiKeys.generate(random);
        feed.apply(new FeedChanges(cursor.incrementAndGet(), false, List.of(),
                List.of(new FeedUser(userId, "unlimited", balanceNanos, 0, cipher.seal(userId, UPSTREAM_KEY))),
                List.of(new FeedKey(ApiKeys.hashHex(key), cursor.get(), userId, FeedKey.ACTIVE))));
        return key;
    }

    UserAccount account(String userId) {
        return accounts.get(userId);
    }

    /** A new client connection through the real pipeline, on the node's one (embedded) event loop. */
    EmbeddedChannel connect() {
        EmbeddedChannel client = EmbeddedChannel.builder().register(false).handlers(initializer).build();
        client.config().setAutoRead(false); // as the server's child option: the router asks for each read
        loop.eventLoop().register(client).syncUninterruptibly();
        client.pipeline().addFirst("test-loop-task", new LoopTask());
        return client;
    }

    /**
     * Runs {@code action} as one task of the loop, as far as {@code client} can tell: an
     * {@code EmbeddedChannel} closed by a listener runs the loop's queued tasks at once, inside the
     * code that closed it (a real loop runs them after the current task). Inside one of the client
     * channel's own operations it defers them to the operation's end, as a real loop would.
     */
    void act(EmbeddedChannel client, Runnable action) {
        if (client.isRegistered() && client.pipeline().get(LoopTask.class) != null) {
            client.writeInbound(action);
        } else {
            action.run();
        }
        loop.runPendingTasks();
    }

    /** Runs a {@link Runnable} written inbound (see {@link #act}); passes anything else on. */
    private static final class LoopTask extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Runnable r) {
                r.run();
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }

    /**
     * A kept-alive upstream connection in the loop's pool: the next exchange takes it (the newest
     * first). Its {@link ReadCounter} counts the exchange's {@code read()} calls.
     */
    Upstream pooledUpstream() {
        ReadCounter reads = new ReadCounter();
        // On its own embedded loop: EmbeddedChannel.close() runs its loop's queued tasks inside the
        // caller, which on the client's loop would re-enter the exchange from its own closeUpstream()
        // (a real close defers them). Nothing of the exchange is scheduled on the upstream's loop.
        EmbeddedChannel ch = new EmbeddedChannel(reads, new HttpClientCodec(8192, 64 * 1024, 64 * 1024),
                new IdleStateHandler(0, 0, 60, TimeUnit.SECONDS), new OriginReceiver());
        ch.config().setAutoRead(false); // as UpstreamClient's bootstrap: the exchange asks for each read
        upstreams.release(loop.eventLoop(), ch);
        return new Upstream(ch, reads);
    }

    /** An upstream connection and how often the exchange asked it for more. */
    record Upstream(EmbeddedChannel channel, ReadCounter reads) {
    }

    /** Counts {@code read()} on an upstream connection: the relay's backpressure made visible. */
    static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        int reads;

        @Override
        public void read(ChannelHandlerContext ctx) {
            reads++;
            ctx.read();
        }
    }

    /** A chat request as a client sends it, whole. */
    static io.netty.buffer.ByteBuf chatRequest(String key, boolean stream, String... headers) {
        String body = "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"max_tokens\":50,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        StringBuilder head = new StringBuilder("POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ")
                .append(key).append("\r\nContent-Type: application/json\r\nContent-Length: ").append(body.length())
                .append("\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        return ascii(head.append("\r\n").append(body).toString());
    }

    static io.netty.buffer.ByteBuf ascii(String s) {
        return io.netty.buffer.Unpooled.copiedBuffer(s, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** What the exchange wrote to an upstream connection since the last call (released). */
    static String sent(Upstream up) {
        StringBuilder sb = new StringBuilder();
        Object o;
        while ((o = up.channel().readOutbound()) != null) {
            io.netty.buffer.ByteBuf b = (io.netty.buffer.ByteBuf) o;
            sb.append(b.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
            b.release();
        }
        return sb.toString();
    }

    /** The exchange the client connection's relay step is running (or ran last). */
    static ChatExchange exchangeOf(EmbeddedChannel client) throws ReflectiveOperationException {
        Object relay = client.pipeline().get("relay");
        java.lang.reflect.Field f = relay.getClass().getDeclaredField("running");
        f.setAccessible(true);
        return (ChatExchange) f.get(relay);
    }

    /**
     * Closes a connection as its peer hanging up would (the pipeline's close: {@code EmbeddedChannel.close}
     * would also run and cancel every task of the loop the connections share).
     */
    static void hangUp(EmbeddedChannel ch) {
        ch.pipeline().close();
        ch.runPendingTasks();
    }

    /** Moves the loop's clock on one second at a time, running what falls due (see {@link #act}). */
    void advanceSeconds(EmbeddedChannel client, int seconds) {
        for (int i = 0; i < seconds; i++) {
            act(client, () -> {
                loop.advanceTimeBy(1, TimeUnit.SECONDS);
                loop.runPendingTasks();
            });
        }
    }

    /** Moves the loop's clock on by {@code seconds} in one step, running what falls due. */
    void advanceBy(EmbeddedChannel client, int seconds) {
        act(client, () -> {
            loop.advanceTimeBy(seconds, TimeUnit.SECONDS);
            loop.runPendingTasks();
        });
    }

    /** Runs what was posted to the loop (continuations of lookups and heals, deferred events). */
    void runTasks() {
        loop.runPendingTasks();
    }

    /**
     * The final journal record (not the in-flight one) of a request, once written, after checking
     * that it is the only one: the journal has drained everything published by then.
     */
    UsageEvent onlyFinalEvent(String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            boolean drained = journal.backlog() == 0;
            List<UsageEvent> mine = new ArrayList<>();
            for (UsageEvent e : journaled(0)) {
                if (e.requestId().equals(requestId) && e.status != UsageStatus.IN_FLIGHT) {
                    mine.add(e);
                }
            }
            if (drained && !mine.isEmpty()) {
                if (mine.size() != 1) {
                    throw new AssertionError(mine.size() + " final records for " + requestId + ": settled more than once");
                }
                return mine.get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no final record for " + requestId);
            }
            Thread.sleep(5); // polling the journal writer, bounded by the deadline
        }
    }

    /** Every journaled event, once the writer has written at least {@code atLeast}. */
    List<UsageEvent> journaled(long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (journal.written() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(5); // polling the writer thread's count, bounded by the deadline
        }
        List<UsageEvent> events = new ArrayList<>();
        try (ChronicleQueue q = UsageQueues.open(dir.resolve("journal"))) {
            ExcerptTailer t = q.createTailer();
            StringCache strings = new StringCache(64);
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    UsageEvent e = new UsageEvent();
                    UsageEventCodec.read(dc.wire().bytes(), e, strings);
                    events.add(e);
                }
            }
        }
        return events;
    }

    @Override
    public void close() throws Exception {
        loop.finishAndReleaseAll();
        journal.close();
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
