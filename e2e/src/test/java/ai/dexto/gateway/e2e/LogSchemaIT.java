package ai.dexto.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.dexto.gateway.common.logging.LogFields;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The one log schema (docs/logging.md), read from the real processes' log files: every line of every
 * process has the common fields, and one request id with its trace id joins a request's lines.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LogSchemaIT {
    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    private static final Set<String> LEVELS = Set.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");
    /** What a launcher reads from a process's output (not log lines): the ready banners. */
    private static final Pattern LAUNCHER_LINE = Pattern.compile("(SIM|GATEWAY) READY .*");
    static LocalSystem system;

    @BeforeAll
    static void start() throws Exception {
        system = SharedSystem.get();
    }

    @Test
    void theGatewaysRequestIdAndTraceparentJoinTheControlPlanesLines() throws Exception {
        LocalSystem.User user = system.provisionUser();
        String requestId = UUID.randomUUID().toString();
        String traceId = "4bf92f3577b34da6a3ce929d" + requestId.substring(0, 8);
        HttpResponse<String> r = system.send("GET", system.controlUrl() + "/me/usage", user.apiKey(), null,
                Map.of("X-Dexto-Request-ID", requestId, "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(requestId, r.headers().firstValue("X-Dexto-Request-ID").orElse(""));

        JsonNode line = awaitLine("controlplane.log", requestId);
        assertEquals("controlplane", line.path("service").asText());
        assertEquals(LogFields.ACCESS_LOGGER, line.path("logger").asText());
        assertEquals(traceId, line.path("trace_id").asText());
        assertEquals(LogFields.userHash(user.id()), line.path("user").asText());
        assertEquals("GET", line.path("method").asText());
        assertEquals("/me/usage", line.path("path").asText());
        assertEquals(200, line.path("status").asInt());
        assertTrue(line.path("duration_ms").isNumber(), line.toString());
        assertFalse(line.toString().contains(user.id()), "the user id itself is never logged");
    }

    @Test
    void theGatewaysRequestLineCarriesItsRequestIdAndTheHashedUser() throws Exception {
        LocalSystem.User user = system.provisionUser();
        String model = system.firstModel();
        String traceId = "0af7651916cd43dd8448eb21" + user.id().substring(0, 8);
        HttpResponse<String> r = system.send("POST", system.gatewayUrl() + "/v1/chat/completions?probe=1",
                user.apiKey(), "{\"model\":\"" + model + "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"" + LocalSystem.prompt("log schema") + "\"}]}",
                Map.of("traceparent", "00-" + traceId + "-b7ad6b7169203331-01"));
        assertEquals(200, r.statusCode(), r.body());
        String requestId = r.headers().firstValue("X-Dexto-Request-ID").orElseThrow();

        JsonNode line = awaitLine("gateway.log", requestId);
        assertEquals("gateway", line.path("service").asText());
        assertEquals(LocalSystem.NODE_ID, line.path("node").asText());
        assertEquals(LogFields.ACCESS_LOGGER, line.path("logger").asText());
        assertEquals(LogFields.userHash(user.id()), line.path("user").asText());
        assertEquals(traceId, line.path("trace_id").asText(), "the caller's trace");
        assertEquals("POST", line.path("method").asText());
        assertEquals("/v1/chat/completions", line.path("path").asText(), "never the query");
        assertEquals(200, line.path("status").asInt());
        assertTrue(line.path("duration_ms").isNumber(), line.toString());
        assertEquals(model, line.path("model").asText());
        assertTrue(line.path("cost_usd").isTextual(), line.toString());
        assertFalse(line.toString().contains(user.id()), "the user id itself is never logged");
    }

    @Test
    void everyLineOfEveryProcessHasTheCommonFields() throws IOException {
        List<String> problems = new ArrayList<>();
        int files = 0;
        try (Stream<Path> logs = Files.list(system.logDir())) {
            for (Path log : logs.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                files++;
                String service = serviceOf(log);
                int n = 0;
                for (String text : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    n++;
                    String problem = check(text, service);
                    if (problem != null) {
                        problems.add(log.getFileName() + ":" + n + ": " + problem);
                    }
                }
            }
        }
        assertEquals(3, files, "sim, control plane and gateway logs in " + system.logDir());
        if (!problems.isEmpty()) {
            fail(problems.size() + " lines outside the schema:\n" + String.join("\n",
                    problems.subList(0, Math.min(30, problems.size()))));
        }
    }

    /** Null when the line is in the schema (or is a launcher's ready banner), else what is wrong. */
    private static String check(String text, String service) {
        if (LAUNCHER_LINE.matcher(text).matches()) {
            return null;
        }
        JsonNode line;
        try {
            line = system.json(text);
        } catch (IOException e) {
            return "not JSON: " + text.substring(0, Math.min(80, text.length()));
        }
        if (!line.isObject()) {
            return "not a JSON object";
        }
        if (!TIME.matcher(line.path("time").asText()).matches()) {
            return "time " + line.path("time");
        }
        if (!LEVELS.contains(line.path("level").asText())) {
            return "level " + line.path("level");
        }
        for (String field : List.of("logger", "message", "thread", "node")) {
            if (!line.path(field).isTextual() || line.path(field).asText().isEmpty()) {
                return field + " missing";
            }
        }
        if (!service.equals(line.path("service").asText())) {
            return "service " + line.path("service") + " in the log of " + service;
        }
        for (String legacy : List.of("@timestamp", "ts", "logger_name", "thread_name", "level_value", "@version")) {
            if (line.has(legacy)) {
                return "field of another schema: " + legacy;
            }
        }
        return null;
    }

    private static String serviceOf(Path log) {
        String name = log.getFileName().toString();
        return name.startsWith("gateway") ? "gateway" : name.startsWith("controlplane") ? "controlplane" : "sim";
    }

    /** The request line with this id in a process's log, waiting (with a deadline) for it to be written. */
    private static JsonNode awaitLine(String file, String requestId) throws Exception {
        Path log = system.logDir().resolve(file);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            // whole lines only: the process may be writing the last one (and a character of it) right now
            String written = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            for (String text : written.substring(0, written.lastIndexOf('\n') + 1).split("\n")) {
                if (text.startsWith("{") && text.contains(requestId)) {
                    JsonNode line = system.json(text);
                    if (requestId.equals(line.path("request_id").asText())
                            && LogFields.ACCESS_LOGGER.equals(line.path("logger").asText())) {
                        return line;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no request line with request_id " + requestId + " in " + log);
    }
}
