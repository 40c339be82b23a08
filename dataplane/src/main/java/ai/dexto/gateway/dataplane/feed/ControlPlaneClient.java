package ai.dexto.gateway.dataplane.feed;

import ai.dexto.gateway.common.feed.FeedChanges;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.Json;
import ai.dexto.gateway.common.feed.KeyLookup;
import ai.dexto.gateway.dataplane.http.TraceContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The control plane's {@code /internal/*} API (its internal port) as the data plane uses it: feed
 * snapshot, long-polled changes, the one key question on a cache miss, and the upstream-key heal.
 * JDK HttpClient; the blocking calls run on the feed thread, the others are asynchronous.
 */
public final class ControlPlaneClient {
    private final HttpClient http;
    private final String base;
    private final String bearer;
    private final String node;
    private final ObjectMapper mapper = Json.newMapper();

    public ControlPlaneClient(HttpClient http, String controlUrl, String internalToken, String nodeId) {
        this.http = http;
        this.base = controlUrl.endsWith("/") ? controlUrl.substring(0, controlUrl.length() - 1) : controlUrl;
        this.bearer = "Bearer " + internalToken;
        this.node = URLEncoder.encode(nodeId, StandardCharsets.UTF_8);
    }

    public FeedSnapshot snapshot() throws IOException, InterruptedException {
        return get("/internal/feed/snapshot?node=" + node, Duration.ofSeconds(30), FeedSnapshot.class);
    }

    public FeedChanges changes(long since, int waitSeconds) throws IOException, InterruptedException {
        return get("/internal/feed/changes?node=" + node + "&since=" + since + "&wait=" + waitSeconds,
                Duration.ofSeconds(waitSeconds + 10L), FeedChanges.class);
    }

    /**
     * {@code POST /internal/users/{id}/upstream-key/heal}: completes with the user's sealed upstream key
     * after the heal (a new one, or the current one if another node healed it first); exceptionally when
     * the control plane refuses or cannot answer.
     */
    public CompletableFuture<String> healUpstreamKey(String userId, String refusedSealed, String traceId) {
        String body = "{\"rejected\":" + mapper.valueToTree(refusedSealed).toString() + "}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/internal/users/"
                        + URLEncoder.encode(userId, StandardCharsets.UTF_8) + "/upstream-key/heal?node=" + node))
                .timeout(Duration.ofSeconds(10)).header("Authorization", bearer)
                .header("Content-Type", "application/json").header("traceparent", TraceContext.child(traceId))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
            if (r.statusCode() != 200) {
                throw new IllegalStateException("upstream-key heal answered " + r.statusCode());
            }
            try {
                return mapper.readTree(r.body()).path("upstream_key_ciphertext").asText(null);
            } catch (IOException e) {
                throw new IllegalStateException("upstream-key heal unreadable", e);
            }
        });
    }

    /**
     * Completes with the lookup, empty on 404, exceptionally when the control plane cannot answer; sent
     * in the trace of the request whose miss asked first (later misses of the same key share the answer).
     */
    public CompletableFuture<Optional<KeyLookup>> lookupKey(String hashHex, String traceId) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/internal/keys/" + hashHex + "?node=" + node))
                .timeout(Duration.ofSeconds(2)).header("Authorization", bearer)
                .header("traceparent", TraceContext.child(traceId)).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
            if (r.statusCode() == 404) {
                return Optional.<KeyLookup>empty();
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException("key lookup answered " + r.statusCode());
            }
            try {
                return Optional.of(mapper.readValue(r.body(), KeyLookup.class));
            } catch (IOException e) {
                throw new IllegalStateException("key lookup unreadable", e);
            }
        });
    }

    private <T> T get(String pathAndQuery, Duration timeout, Class<T> type) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request(pathAndQuery, timeout), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException(pathAndQuery.substring(0, pathAndQuery.indexOf('?')) + " answered " + r.statusCode());
        }
        return mapper.readValue(r.body(), type);
    }

    private HttpRequest request(String pathAndQuery, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout)
                .header("Authorization", bearer).GET().build();
    }
}
