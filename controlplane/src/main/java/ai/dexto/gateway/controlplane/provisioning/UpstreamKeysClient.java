package ai.dexto.gateway.controlplane.provisioning;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.controlplane.errors.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream's provisioning API ({@code {DEXTO_UPSTREAM_URL}/keys}, bearer: the provisioning key):
 * mint a per-user key, raise its limit, delete it. Neither the provisioning key nor a minted key is
 * ever logged or put in an error message.
 */
public final class UpstreamKeysClient {
    private static final Logger log = LoggerFactory.getLogger(UpstreamKeysClient.class);

    /** A minted key: {@code hash} is the upstream's id for it, {@code key} the secret. */
    public record Minted(String hash, String key) {
    }

    private final String baseUrl;
    private final String provisioningKey;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json;

    public UpstreamKeysClient(String baseUrl, String provisioningKey, Duration timeout, ObjectMapper json) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.provisioningKey = provisioningKey;
        this.timeout = timeout;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    public Minted mint(String name, long limitNanos) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("limit", usd(limitNanos));
        body.put("include_byok_in_limit", true);
        JsonNode r = send("POST", "/keys", body, 201, 200);
        String key = r.path("key").asText(null);
        String hash = r.path("data").path("hash").asText(null);
        if (key == null || hash == null) {
            throw ApiException.upstream("Upstream key provisioning answered without a key");
        }
        return new Minted(hash, key);
    }

    public void setLimit(String hash, long limitNanos) {
        send("PATCH", "/keys/" + hash, Map.of("limit", usd(limitNanos)), 200);
    }

    /**
     * The upstream's record of what a key has spent ({@code GET /keys/{hash}}, field {@code usage}, USD);
     * null when the upstream does not know the key.
     */
    public Long usageNanos(String hash) {
        JsonNode r = send("GET", "/keys/" + hash, null, 200, 404);
        JsonNode usage = r.path("data").path("usage");
        if (usage.isMissingNode() || usage.isNull()) {
            return null;
        }
        return Money.parseUsd(usage.asText());
    }

    public void delete(String hash) {
        send("DELETE", "/keys/" + hash, null, 200, 204, 404);
    }

    private static BigDecimal usd(long nanos) {
        return Money.toBigDecimal(nanos).stripTrailingZeros();
    }

    private JsonNode send(String method, String path, Object body, int... ok) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                    .header("Authorization", "Bearer " + provisioningKey)
                    .header("Accept", "application/json");
            if (body != null) {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            for (int status : ok) {
                if (r.statusCode() == status) {
                    return r.body().length == 0 ? json.createObjectNode() : json.readTree(r.body());
                }
            }
            log.warn("upstream provisioning {} {} answered {}", method, path.startsWith("/keys/") ? "/keys/{hash}" : path,
                    r.statusCode());
            throw ApiException.upstream("Upstream key provisioning failed (HTTP " + r.statusCode() + ")");
        } catch (IOException e) {
            log.warn("upstream provisioning {} unreachable: {}", method, e.toString());
            throw ApiException.upstream("Upstream key provisioning is unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.upstream("Interrupted while provisioning upstream key");
        }
    }
}
