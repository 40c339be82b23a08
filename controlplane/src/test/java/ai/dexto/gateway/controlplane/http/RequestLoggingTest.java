package ai.dexto.gateway.controlplane.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.logging.LogFields;
import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The control plane's half of the log schema (docs/logging.md): one request line per request with
 * the caller's request id and trace id, the user by hash, the route template instead of ids.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestLoggingTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness();
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;
    static final ListAppender<ILoggingEvent> LINES = new ListAppender<>();
    static final Logger ACCESS = (Logger) LoggerFactory.getLogger(LogFields.ACCESS_LOGGER);
    static Level before;

    @BeforeAll
    static void capture() {
        before = ACCESS.getLevel();
        ACCESS.setLevel(Level.INFO);
        LINES.start();
        ACCESS.addAppender(LINES);
    }

    @AfterAll
    static void release() {
        ACCESS.detachAppender(LINES);
        ACCESS.setLevel(before);
        H.close();
    }

    @Test
    void theGatewaysRequestIdAndTraceJoinTheRequestLine() {
        String id = UUID.randomUUID().toString();
        String trace = TraceParent.newTraceId();
        Http.Reply r = H.api().send("GET", "/me/usage", null, null, Map.of("X-Dexto-Request-ID", id,
                "X-Request-ID", "not-this-one", "traceparent", "00-" + trace + "-00f067aa0ba902b7-01"));
        assertEquals(401, r.status());
        assertEquals(id, r.header("X-Dexto-Request-ID"));
        assertEquals(id, r.header("X-Request-ID"));

        ILoggingEvent line = lineOf(id);
        assertEquals(trace, line.getMDCPropertyMap().get(LogFields.TRACE_ID));
        JsonNode f = fields(line);
        assertEquals("GET", f.path("method").asText());
        assertEquals("/me/usage", f.path("path").asText());
        assertEquals(401, f.path("status").asInt());
        assertTrue(f.path("duration_ms").isNumber() && f.path("duration_ms").asDouble() >= 0, f.toString());
        assertEquals(id, f.path("request_id").asText());
        assertEquals("request", line.getMessage());
    }

    @Test
    void anAuthenticatedCallerIsLoggedByHashAndIdsInPathsAreNot() {
        String userId = ControlPlaneHarness.newUserId();
        String key = H.provision(userId);
        String id = UUID.randomUUID().toString();
        Http.Reply keys = H.api().send("GET", "/keys", key, null, Map.of("X-Request-ID", id));
        assertEquals(200, keys.status(), keys.toString());
        assertEquals(LogFields.userHash(userId), lineOf(id).getMDCPropertyMap().get(LogFields.USER));

        String adminId = UUID.randomUUID().toString();
        H.internal().send("GET", "/admin/users/" + userId, ControlPlaneHarness.ADMIN_TOKEN, null,
                Map.of("X-Request-ID", adminId));
        ILoggingEvent admin = lineOf(adminId);
        assertEquals("/admin/users/{id}", fields(admin).path("path").asText());
        assertFalse(fields(admin).toString().contains(userId));
        assertFalse(admin.getMDCPropertyMap().containsKey(LogFields.USER), "admins are not users");
    }

    @Test
    void withoutATraceparentATraceStartsHereAndUnsafeIdsAreReplaced() {
        Http.Reply r = H.api().send("GET", "/nope?token=secret", null, null,
                Map.of("X-Request-ID", "bad id {\"level\":\"ERROR\"}", "traceparent", "00-zz-yy-01"));
        String id = r.header("X-Dexto-Request-ID");
        assertTrue(id.matches("[0-9a-f-]{36}"), id);
        ILoggingEvent line = lineOf(id);
        assertTrue(line.getMDCPropertyMap().get(LogFields.TRACE_ID).matches("[0-9a-f]{32}"));
        assertEquals("/nope", fields(line).path("path").asText(), "no query string");
    }

    private static ILoggingEvent lineOf(String requestId) {
        // the line is written after the response is committed: wait for it, with a deadline
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            synchronized (LINES) {
                for (ILoggingEvent e : List.copyOf(LINES.list)) {
                    if (requestId.equals(e.getMDCPropertyMap().get(LogFields.REQUEST_ID))) {
                        return e;
                    }
                }
            }
            sleepBriefly();
        }
        throw new AssertionError("no request line for " + requestId + " in " + LINES.list);
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The line as the JSON encoder writes it (MDC and structured arguments at the top level). */
    private static JsonNode fields(ILoggingEvent e) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(ACCESS.getLoggerContext());
        encoder.start();
        try {
            JsonNode line = Http.JSON.readTree(encoder.encode(e));
            assertTrue(line.path("status").isInt(), line.toString());
            return line;
        } catch (java.io.IOException x) {
            throw new AssertionError(x);
        } finally {
            encoder.stop();
        }
    }
}
