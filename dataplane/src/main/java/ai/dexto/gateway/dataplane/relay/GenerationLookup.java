package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.common.money.Money;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks the upstream's {@code GET /generation?id=} what a generation cost, when the answer itself did
 * not say (client gone, upstream gone or cut, usage missing). Runs on the HTTP client's threads, never
 * on an event loop, and retries because the upstream records an aborted generation a moment later:
 * briefly while a client waits for the cost ({@link #QUICK}), for longer once nobody waits
 * ({@link #PATIENT}). A cost still unknown after that is journaled as pending and settled by the
 * control plane's reconciler.
 */
public final class GenerationLookup {
    /** Delays before each attempt while the client waits for the last bytes (about one second in all). */
    public static final long[] QUICK = {0, 250, 750};
    /** Delays before each attempt past the request's life (about 45 s in all). */
    public static final long[] PATIENT = {0, 250, 1000, 3000, 10_000, 30_000};

    private final HttpClient http;
    private final String base;
    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    public GenerationLookup(HttpClient http, String upstreamBaseUrl) {
        this.http = http;
        this.base = upstreamBaseUrl;
    }

    /** The upstream's record of one generation: its whole charge in nanos and its tokens. */
    public record Record(long costNanos, long promptTokens, long completionTokens) {
        static final Record UNKNOWN = new Record(-1, -1, -1);
    }

    /**
     * The generation's record: its whole upstream charge ({@code total_cost} + BYOK provider cost) and
     * tokens; cost -1 when the upstream has no record of it after the last attempt.
     */
    public CompletableFuture<Record> cost(String generationId, String upstreamKey, long[] delaysMs) {
        return attempt(generationId, upstreamKey, delaysMs, 0);
    }

    private CompletableFuture<Record> attempt(String id, String key, long[] delays, int n) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/generation?id="
                        + URLEncoder.encode(id, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + key).GET().build();
        CompletableFuture<Record> one = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> r.statusCode() == 200 ? parse(r.body()) : Record.UNKNOWN)
                .exceptionally(e -> Record.UNKNOWN);
        return one.thenCompose(found -> {
            if (found.costNanos() >= 0 || n + 1 >= delays.length) {
                return CompletableFuture.completedFuture(found);
            }
            return CompletableFuture.supplyAsync(() -> null,
                            CompletableFuture.delayedExecutor(delays[n + 1], TimeUnit.MILLISECONDS))
                    .thenCompose(x -> attempt(id, key, delays, n + 1));
        });
    }

    private Record parse(byte[] body) {
        try {
            JsonNode data = mapper.readTree(body).path("data");
            JsonNode total = data.path("total_cost");
            if (!total.isNumber() && !total.isTextual()) {
                return Record.UNKNOWN;
            }
            long cost = Money.parseUsd(total.isNumber() ? total.decimalValue().toPlainString() : total.asText());
            JsonNode byok = data.path("upstream_inference_cost");
            if (byok.isNumber()) {
                cost += Money.parseUsd(byok.decimalValue().toPlainString());
            }
            return new Record(cost, data.path("tokens_prompt").asLong(-1), data.path("tokens_completion").asLong(-1));
        } catch (Exception e) {
            return Record.UNKNOWN;
        }
    }
}
