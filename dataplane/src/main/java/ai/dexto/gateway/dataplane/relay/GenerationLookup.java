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
 * not say (client gone, upstream gone, usage missing). Runs on the HTTP client's threads, never on an
 * event loop; retries briefly because the upstream records aborted generations a moment later.
 */
public final class GenerationLookup {
    private static final long[] DELAYS_MS = {0, 250, 1000, 3000};

    private final HttpClient http;
    private final String base;
    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    public GenerationLookup(HttpClient http, String upstreamBaseUrl) {
        this.http = http;
        this.base = upstreamBaseUrl;
    }

    /** The generation's whole upstream charge in nanos ({@code total_cost} + BYOK provider cost), or -1. */
    public CompletableFuture<Long> cost(String generationId, String upstreamKey) {
        return attempt(generationId, upstreamKey, 0);
    }

    private CompletableFuture<Long> attempt(String id, String key, int n) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/generation?id="
                        + URLEncoder.encode(id, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + key).GET().build();
        CompletableFuture<Long> one = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> r.statusCode() == 200 ? parse(r.body()) : -1L)
                .exceptionally(e -> -1L);
        return one.thenCompose(cost -> {
            if (cost >= 0 || n + 1 >= DELAYS_MS.length) {
                return CompletableFuture.completedFuture(cost);
            }
            return CompletableFuture.supplyAsync(() -> null,
                            CompletableFuture.delayedExecutor(DELAYS_MS[n + 1], TimeUnit.MILLISECONDS))
                    .thenCompose(x -> attempt(id, key, n + 1));
        });
    }

    private long parse(byte[] body) {
        try {
            JsonNode data = mapper.readTree(body).path("data");
            JsonNode total = data.path("total_cost");
            if (!total.isNumber() && !total.isTextual()) {
                return -1;
            }
            long cost = Money.parseUsd(total.isNumber() ? total.decimalValue().toPlainString() : total.asText());
            JsonNode byok = data.path("upstream_inference_cost");
            if (byok.isNumber()) {
                cost += Money.parseUsd(byok.decimalValue().toPlainString());
            }
            return cost;
        } catch (Exception e) {
            return -1;
        }
    }
}
