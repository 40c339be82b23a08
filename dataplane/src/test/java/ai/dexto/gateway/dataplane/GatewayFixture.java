package ai.dexto.gateway.dataplane;

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
import ai.dexto.gateway.sim.Sim;
import ai.dexto.gateway.sim.SimConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/** The simulator as upstream, a gateway in process, and helpers to seed users and read the journal. */
final class GatewayFixture implements AutoCloseable {
    static final List<FeedTier> TIERS = List.of(new FeedTier("free", 60, 10, false),
            new FeedTier("paid", 600, 100, false), new FeedTier("unlimited", 0, 0, true));
    static final String MODEL = "openai/gpt-4o-mini";

    final Sim sim;
    final Gateway gateway;
    final Path dataDir;
    final String upstreamKey;
    final UpstreamKeyCipher cipher = UpstreamKeyCipher.fromBase64(GatewayConfig.DEV_ENCRYPTION_KEY);
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicLong cursor = new AtomicLong(1);
    private final SecureRandom random = new SecureRandom();

    private GatewayFixture(Sim sim, Gateway gateway, Path dataDir, String upstreamKey) {
        this.sim = sim;
        this.gateway = gateway;
        this.dataDir = dataDir;
        this.upstreamKey = upstreamKey;
    }

    static GatewayFixture start(Consumer<GatewayConfig.Builder> tweak) throws Exception {
        Sim sim = Sim.start(SimConfig.builder().openRouterPort(0).stripePort(0).build());
        Path dir = Files.createTempDirectory("dexto-dp-");
        GatewayConfig.Builder b = GatewayConfig.builder().port(0).opsPort(0).upstreamUrl(sim.openRouterBaseUrl())
                .controlUrl("http://127.0.0.1:1").dataDir(dir).startFeed(false).ioThreads(2)
                .breaker(1000, 1, Duration.ofSeconds(5));
        b.forwardSimHeaders = true; // tests drive the simulator's faults per request
        tweak.accept(b);
        Gateway gateway = Gateway.start(b.build());
        GatewayFixture f = new GatewayFixture(sim, gateway, dir, sim.mintKey("gateway-test", null));
        gateway.apply(new FeedSnapshot(1, TIERS, List.of(), List.of()));
        return f;
    }

    FeedUser user(String userId, long balanceNanos, String tier) {
        return new FeedUser(userId, tier, balanceNanos, 0, cipher.seal(userId, upstreamKey));
    }

    /** Adds (or updates) a user with one fresh active key through feed changes; returns the key. */
    String addUser(String userId, long balanceNanos, String tier) {
        return addUser(userId, balanceNanos, tier, upstreamKey);
    }

    /** As {@link #addUser(String, long, String)} with a given upstream key. */
    String addUser(String userId, long balanceNanos, String tier, String upstream) {
        String key = ApiKeys.generate(random);
        gateway.apply(new FeedChanges(cursor.incrementAndGet(), false, List.of(),
                List.of(new FeedUser(userId, tier, balanceNanos, 0, cipher.seal(userId, upstream))),
                List.of(new FeedKey(ApiKeys.hashHex(key), cursor.get(), userId, FeedKey.ACTIVE))));
        return key;
    }

    void revoke(String key, String userId) {
        gateway.apply(new FeedChanges(cursor.incrementAndGet(), false, List.of(), List.of(),
                List.of(new FeedKey(ApiKeys.hashHex(key), 1, userId, FeedKey.REVOKED))));
    }

    HttpResponse<String> chat(String key, String body, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(gateway.url() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String body(boolean stream, Integer maxTokens) {
        return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream
                + (maxTokens == null ? "" : ",\"max_tokens\":" + maxTokens)
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the gateway tests\"}]}";
    }

    /** Waits until at least {@code n} events are written (fails after 10 s), then reads them all. */
    List<UsageEvent> journal(int n) throws Exception {
        Await.until(n + " journal events written", () -> gateway.journalWritten() >= n);
        List<UsageEvent> events = new ArrayList<>();
        try (ChronicleQueue q = UsageQueues.open(gateway.journalDir())) {
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

    /**
     * What the upstream charged for a generation, by its own record ({@code GET /generation}): the
     * figure every bill must equal, whatever way the request ended.
     */
    long upstreamCharge(CharSequence generationId) throws Exception {
        HttpResponse<String> r = get(sim.openRouterBaseUrl() + "/generation?id=" + generationId,
                "Authorization", "Bearer " + upstreamKey);
        if (r.statusCode() != 200) {
            throw new AssertionError("no generation " + generationId + ": " + r.body());
        }
        com.fasterxml.jackson.databind.JsonNode data = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .readTree(r.body()).path("data");
        long cost = ai.dexto.gateway.common.money.Money.parseUsd(data.path("total_cost").decimalValue().toPlainString());
        if (data.path("upstream_inference_cost").isNumber()) {
            cost += ai.dexto.gateway.common.money.Money.parseUsd(data.path("upstream_inference_cost").decimalValue()
                    .toPlainString());
        }
        return cost;
    }

    /** What the upstream has charged the fixture's upstream key so far (its provisioning record). */
    long upstreamUsage() throws Exception {
        HttpResponse<String> r = get(sim.openRouterBaseUrl() + "/key", "Authorization", "Bearer " + upstreamKey);
        return ai.dexto.gateway.common.money.Money.parseUsdExact(new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .readTree(r.body()).at("/data/usage").decimalValue().toPlainString());
    }

    /** Final events (not the streams' in-flight records) of one request id. */
    List<UsageEvent> eventsOf(String requestId, int atLeastTotal) throws Exception {
        List<UsageEvent> out = new ArrayList<>();
        for (UsageEvent e : journal(atLeastTotal)) {
            if (e.requestId().equals(requestId) && e.status != UsageStatus.IN_FLIGHT) {
                out.add(e);
            }
        }
        return out;
    }

    /** The final event of a request, once it is written. */
    UsageEvent awaitEvent(String requestId) throws Exception {
        UsageEvent[] found = new UsageEvent[1];
        Await.until("the final usage event of " + requestId, () -> {
            for (UsageEvent e : journal(0)) {
                if (e.requestId().equals(requestId) && e.status != UsageStatus.IN_FLIGHT) {
                    found[0] = e;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /**
     * The money invariants for one user once its requests are over: no exchange is left open, no
     * reservation is left (spendable = balance − what the journal billed it), and every bill with a
     * known generation equals what the upstream's own record charged. Returns the user's final events.
     */
    List<UsageEvent> assertBilledExactly(String userId, long balanceNanos) throws Exception {
        Await.until("every exchange settled", () -> gateway.openExchanges() == 0 && gateway.journalBacklog() == 0);
        List<UsageEvent> mine = new ArrayList<>();
        long billed = 0;
        for (UsageEvent e : journal(0)) {
            if (e.userId.equals(userId) && e.status != UsageStatus.IN_FLIGHT) {
                mine.add(e);
                billed += e.billedCostNanos;
                if (e.generationId.length() > 0 && !e.costPending) {
                    org.junit.jupiter.api.Assertions.assertEquals(upstreamCharge(e.generationId), e.billedCostNanos,
                            "billed = what the upstream charged for " + e.generationId);
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals(balanceNanos - billed, gateway.account(userId).spendable(),
                "no reservation left open for " + userId + " (billed " + billed + " in " + mine.size() + " events)");
        return mine;
    }

    /**
     * One series of the ops port's {@code /metrics}, scraped over HTTP as Prometheus does:
     * {@code name} or {@code name{label="value"}}; NaN when the series is absent.
     */
    double metric(String series) throws Exception {
        for (String line : get(gateway.opsUrl() + "/metrics").body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    /** A counter's series: 0 until its first increment (a labelled series appears with its first sample). */
    double counter(String series) throws Exception {
        double v = metric(series);
        return Double.isNaN(v) ? 0 : v;
    }

    @Override
    public void close() {
        try {
            gateway.close();
        } catch (RuntimeException alreadyClosed) {
            // a test may have closed it to restart the node
        }
        sim.close();
        try (java.util.stream.Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException ignored) {
            // a test may have deleted it itself
        }
    }
}
