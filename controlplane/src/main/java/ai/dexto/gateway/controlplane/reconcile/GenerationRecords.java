package ai.dexto.gateway.controlplane.reconcile;

import ai.dexto.gateway.common.money.Money;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The upstream's own record of one generation ({@code GET /generation?id=}, bearer: the user's upstream
 * key, decrypted by the caller and never logged). The charge is {@code total_cost} plus the BYOK
 * provider cost, as the gateway reads it (digits past the nano round up, as there).
 */
final class GenerationRecords {
    /** What the upstream charged for a generation. */
    record Charge(long upstreamNanos, long promptTokens, long completionTokens) {
    }

    private final String baseUrl;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json;

    GenerationRecords(String baseUrl, Duration timeout, ObjectMapper json) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = timeout;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** @return the charge, or null while the upstream does not (yet) know the generation */
    Charge find(String generationId, String upstreamKey) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/generation?id="
                        + URLEncoder.encode(generationId, StandardCharsets.UTF_8)))
                .timeout(timeout).header("Authorization", "Bearer " + upstreamKey).GET().build();
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            return null;
        }
        JsonNode data = json.readTree(r.body()).path("data");
        JsonNode total = data.path("total_cost");
        if (!total.isNumber() && !total.isTextual()) {
            return null;
        }
        long cost = Money.parseUsd(total.asText());
        JsonNode byok = data.path("upstream_inference_cost");
        if (byok.isNumber() || byok.isTextual()) {
            cost = Math.addExact(cost, Money.parseUsd(byok.asText()));
        }
        return new Charge(cost, data.path("tokens_prompt").asLong(0), data.path("tokens_completion").asLong(0));
    }
}
