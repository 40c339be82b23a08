package ai.dexto.gateway.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Records every answer the end-to-end tests get through {@link LocalSystem#send}, one JSON line each
 * (which part answered, method, path, status, headers, body), so that OpenApiConformanceIT can check
 * the real answers against docs/openapi after the run: the API description cannot drift from the API.
 * Recording is on when the system property {@value #PROPERTY} names a folder (e2e/pom.xml sets it).
 */
public final class ExchangeLog {
    public static final String PROPERTY = "dexto.e2e.exchanges";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    private ExchangeLog(Path file) {
        this.file = file;
    }

    /** The run's log, or null when recording is off. */
    static ExchangeLog fromSystemProperty() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            return null;
        }
        try {
            Path folder = Files.createDirectories(Path.of(dir));
            return new ExchangeLog(folder.resolve("exchanges-" + ProcessHandle.current().pid() + ".jsonl"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param part which part answered: gateway, control, internal, or other (not checked) */
    synchronized void record(String part, String method, HttpResponse<String> response) {
        URI uri = response.request().uri();
        ObjectNode line = JSON.createObjectNode();
        line.put("part", part);
        line.put("method", method);
        line.put("path", uri.getRawPath());
        line.put("status", response.statusCode());
        ObjectNode headers = line.putObject("headers");
        for (Map.Entry<String, List<String>> h : response.headers().map().entrySet()) {
            if (!h.getValue().isEmpty()) {
                headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue().get(0));
            }
        }
        line.put("body", response.body());
        try {
            Files.writeString(file, JSON.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
