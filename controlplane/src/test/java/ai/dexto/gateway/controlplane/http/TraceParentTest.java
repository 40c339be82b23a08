package ai.dexto.gateway.controlplane.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TraceParentTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void aValidHeaderGivesItsTraceId() {
        assertEquals(TRACE, TraceParent.traceId("00-" + TRACE + "-00f067aa0ba902b7-01"));
        assertEquals(TRACE, TraceParent.traceId(" 00-" + TRACE + "-00f067aa0ba902b7-00 "));
        // a later version may append fields
        assertEquals(TRACE, TraceParent.traceId("01-" + TRACE + "-00f067aa0ba902b7-01-extra"));
    }

    @Test
    void invalidHeadersAreIgnored() {
        assertNull(TraceParent.traceId(null));
        assertNull(TraceParent.traceId(""));
        assertNull(TraceParent.traceId("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01"), "all-zero trace id");
        assertNull(TraceParent.traceId("00-" + TRACE + "-" + "0".repeat(16) + "-01"), "all-zero parent id");
        assertNull(TraceParent.traceId("ff-" + TRACE + "-00f067aa0ba902b7-01"), "version ff");
        assertNull(TraceParent.traceId("00-" + TRACE.toUpperCase() + "-00f067aa0ba902b7-01"), "upper case");
        assertNull(TraceParent.traceId("00-" + TRACE + "-00f067aa0ba902b7-01-extra"), "v00 has no extra fields");
        assertNull(TraceParent.traceId("00-" + TRACE.substring(1) + "-00f067aa0ba902b7-01"), "short trace id");
        assertNull(TraceParent.traceId("00-" + TRACE + "-00f067aa0ba902b7-01\n{\"x\":1}"), "injected line");
    }

    @Test
    void aNewTraceIdIsThirtyTwoHexDigitsAndFresh() {
        String a = TraceParent.newTraceId();
        String b = TraceParent.traceIdOrNew("garbage");
        assertTrue(a.matches("[0-9a-f]{32}"), a);
        assertTrue(b.matches("[0-9a-f]{32}"), b);
        assertNotEquals(a, b);
        assertEquals(a, TraceParent.traceId("00-" + a + "-00f067aa0ba902b7-01"), "a new id is itself valid");
    }
}
