package ai.dexto.gateway.controlplane.models;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream's public model list, as the dashboard shows it: per model the price per million
 * tokens customers pay (the upstream's per-token decimal price with the gateway's markup, exact).
 * Fetched when first asked and again once it is older than {@link #MAX_AGE}; while the upstream
 * cannot be reached the last list is kept.
 */
public final class ModelCatalog {
    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);
    static final Duration MAX_AGE = Duration.ofMinutes(10);
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** What a customer needs to choose a model. Prices are decimal USD strings per million tokens. */
    public record Model(@JsonProperty("id") String id, @JsonProperty("name") String name,
                        @JsonProperty("provider") String provider,
                        @JsonProperty("context_length") long contextLength,
                        @JsonProperty("prompt_usd_per_million") String promptPerMillion,
                        @JsonProperty("completion_usd_per_million") String completionPerMillion) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record UpstreamList(@JsonProperty("data") List<UpstreamModel> data) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record UpstreamModel(@JsonProperty("id") String id, @JsonProperty("name") String name,
                         @JsonProperty("context_length") Long contextLength,
                         @JsonProperty("pricing") Pricing pricing) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Pricing(@JsonProperty("prompt") String prompt, @JsonProperty("completion") String completion) {
    }

    private record Fetched(List<Model> models, Instant at) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI modelsUri;
    private final BigDecimal markupFactor;
    private final ObjectMapper json;
    private final Clock clock;
    private volatile Fetched current;

    public ModelCatalog(String upstreamBaseUrl, String markupPercent, ObjectMapper json, Clock clock) {
        this.modelsUri = URI.create(upstreamBaseUrl.replaceAll("/+$", "") + "/models");
        this.markupFactor = BigDecimal.ONE.add(new BigDecimal(markupPercent.trim()).movePointLeft(2));
        this.json = json;
        this.clock = clock;
    }

    /** The models, or null when the upstream has never answered. */
    public List<Model> models() {
        Fetched f = current;
        if (f == null || f.at().plus(MAX_AGE).isBefore(clock.instant())) {
            f = refresh();
        }
        return f == null ? null : f.models();
    }

    private synchronized Fetched refresh() {
        Fetched f = current;
        if (f != null && !f.at().plus(MAX_AGE).isBefore(clock.instant())) {
            return f; // another caller refreshed it while this one waited
        }
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(modelsUri).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                log.warn("the upstream's model list answered {}", r.statusCode());
                return f;
            }
            List<Model> models = json.readValue(r.body(), UpstreamList.class).data().stream()
                    .filter(m -> m.id() != null).map(this::view).toList();
            current = new Fetched(models, clock.instant());
            return current;
        } catch (IOException | RuntimeException e) {
            log.warn("the upstream's model list is unavailable: {}", e.toString());
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return f;
        }
    }

    private Model view(UpstreamModel m) {
        int slash = m.id().indexOf('/');
        String provider = slash > 0 ? m.id().substring(0, slash) : "";
        Pricing p = m.pricing() == null ? new Pricing(null, null) : m.pricing();
        return new Model(m.id(), m.name() == null ? m.id() : m.name(), provider,
                m.contextLength() == null ? 0 : m.contextLength(), perMillion(p.prompt()), perMillion(p.completion()));
    }

    /** Per-token decimal USD → per million tokens with the markup, at most 6 decimals, never rounded down. */
    private String perMillion(String perToken) {
        if (perToken == null || perToken.isBlank()) {
            return null;
        }
        try {
            BigDecimal v = new BigDecimal(perToken.trim()).multiply(MILLION).multiply(markupFactor)
                    .setScale(6, RoundingMode.CEILING).stripTrailingZeros();
            return (v.scale() < 2 ? v.setScale(2) : v).toPlainString();
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
