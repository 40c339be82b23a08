package ai.dexto.gateway.controlplane.http;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The trace id of a W3C Trace Context {@code traceparent} header
 * ({@code version-traceid-parentid-flags}, https://www.w3.org/TR/trace-context/): the caller's when the
 * header is valid, so one trace joins the gateway's and the control plane's log lines; else a new one.
 */
public final class TraceParent {
    public static final String HEADER = "traceparent";
    /** Version 00 is exactly this; a later version may append fields after the flags. */
    private static final Pattern VALID = Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(-.*)?");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_PARENT = "0".repeat(16);

    private TraceParent() {
    }

    /** The header's trace id, or null when the header is absent or invalid. */
    public static String traceId(String header) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        var m = VALID.matcher(value);
        if (!m.matches() || value.startsWith("ff") || (value.startsWith("00") && m.group(3) != null)) {
            return null; // version ff is forbidden; version 00 has nothing after the flags
        }
        String trace = m.group(1);
        return trace.equals(ZERO_TRACE) || m.group(2).equals(ZERO_PARENT) ? null : trace;
    }

    public static String traceIdOrNew(String header) {
        String given = traceId(header);
        return given != null ? given : newTraceId();
    }

    /** 16 random bytes as 32 lower-case hex digits, never all zero. */
    public static String newTraceId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long high = r.nextLong();
        long low = r.nextLong() | 1L;
        return HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
    }
}
