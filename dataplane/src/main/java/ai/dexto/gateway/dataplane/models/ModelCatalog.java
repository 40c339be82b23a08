package ai.dexto.gateway.dataplane.models;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.common.money.Money;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream's model list held in memory: fetched at start, refreshed in the background (hourly,
 * and every few seconds until the first fetch succeeds). Readers get an immutable {@link Snapshot}
 * through one volatile read; nothing here runs on an event loop.
 */
public final class ModelCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);

    /** One fetched list: the raw body served on {@code /v1/models}, its ETag and the parsed prices. */
    public record Snapshot(byte[] body, String etag, Map<String, ModelInfo> byId) {
        static final Snapshot EMPTY = new Snapshot("{\"data\":[]}".getBytes(), "\"empty\"", Map.of());
    }

    private final HttpClient http;
    private final URI modelsUri;
    private final ObjectMapper mapper = new ObjectMapper();
    private volatile Snapshot current = Snapshot.EMPTY;

    public ModelCatalog(HttpClient http, String upstreamBaseUrl) {
        this.http = http;
        this.modelsUri = URI.create(upstreamBaseUrl + "/models");
    }

    public Snapshot snapshot() {
        return current;
    }

    public ModelInfo find(String id) {
        return id == null ? null : current.byId().get(id);
    }

    public boolean loaded() {
        return current != Snapshot.EMPTY;
    }

    /** Fetches once; false (and the old list kept) when the upstream cannot be reached. */
    public boolean refresh() {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(modelsUri)
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                LOG.warn("models list answered {}", response.statusCode());
                return false;
            }
            current = parse(response.body());
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("models list unavailable: {}", e.toString());
            return false;
        }
    }

    /** Schedules refreshes: hourly once loaded, every 5 s until then. */
    public void scheduleRefresh(ScheduledExecutorService scheduler, Duration interval) {
        scheduler.schedule(new Runnable() {
            @Override
            public void run() {
                boolean ok = refresh();
                long next = ok ? interval.toMillis() : Math.min(5_000, interval.toMillis());
                if (!scheduler.isShutdown()) {
                    scheduler.schedule(this, next, TimeUnit.MILLISECONDS);
                }
            }
        }, loaded() ? interval.toMillis() : 5_000, TimeUnit.MILLISECONDS);
    }

    Snapshot parse(byte[] body) throws java.io.IOException {
        JsonNode root = mapper.readTree(body);
        Map<String, ModelInfo> byId = new HashMap<>();
        for (JsonNode m : root.path("data")) {
            String id = m.path("id").asText(null);
            JsonNode pricing = m.path("pricing");
            if (id == null || !pricing.has("prompt") || !pricing.has("completion")) {
                continue;
            }
            try {
                byId.put(id, new ModelInfo(id, pico(pricing, "prompt"), pico(pricing, "completion"),
                        pico(pricing, "internal_reasoning"), nanos(pricing, "request"), nanos(pricing, "image"),
                        nanos(pricing, "web_search"), m.path("context_length").asLong(0),
                        m.path("top_provider").path("max_completion_tokens").asLong(0)));
            } catch (RuntimeException unpriceable) {
                // a price we cannot read exactly (negative, "-1" for "varies"): the model is not served
                LOG.warn("model {} skipped: unreadable pricing ({})", id, unpriceable.getMessage());
            }
        }
        String etag = "\"" + ApiKeys.hashHex(new String(body, java.nio.charset.StandardCharsets.ISO_8859_1))
                .substring(0, 32) + "\"";
        return new Snapshot(body, etag, Map.copyOf(byId));
    }

    private static long pico(JsonNode pricing, String field) {
        JsonNode v = pricing.path(field);
        return v.isMissingNode() || v.isNull() ? 0 : nonNegative(Money.parsePicoUsdPerToken(v.asText()));
    }

    private static long nanos(JsonNode pricing, String field) {
        JsonNode v = pricing.path(field);
        return v.isMissingNode() || v.isNull() ? 0 : nonNegative(Money.parseUsd(v.asText()));
    }

    private static long nonNegative(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative price");
        }
        return v;
    }

    /** For tests: install a list without a network fetch. */
    public void install(byte[] body) throws java.io.IOException {
        current = parse(body);
    }
}
