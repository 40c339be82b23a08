package ai.dexto.gateway.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * The HTTP calls tests make to a {@link LocalSystem}: JSON bodies, an optional bearer token, a 30 s
 * deadline per call, and every answer recorded in the run's {@link ExchangeLog} (when recording is on)
 * under the part of the system that gave it.
 */
final class SystemHttp {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final ExchangeLog exchanges = ExchangeLog.fromSystemProperty();
    private final Function<String, String> partOf;

    /** @param partOf which part of the system a URL addresses ("gateway", "control", "internal", "other") */
    SystemHttp(Function<String, String> partOf) {
        this.partOf = partOf;
    }

    String call(String method, String url, String bearer, String body, int expected, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpResponse<String> r = send(method, url, bearer, body, headers);
        if (r.statusCode() != expected) {
            throw new IllegalStateException(method + " " + url + " → " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    HttpResponse<String> send(String method, String url, String bearer, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(b::header);
        HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (exchanges != null) {
            exchanges.record(partOf.apply(url), method, response);
        }
        return response;
    }

    JsonNode json(String text) throws IOException {
        return json.readTree(text);
    }

    String write(Object value) throws IOException {
        return json.writeValueAsString(value);
    }
}
