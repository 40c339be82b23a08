package ai.dexto.gateway.dataplane.http;

import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C Trace Context, as much as a gateway needs: the trace id of a request (the caller's, from a valid
 * {@code traceparent}, else a new one) and the {@code traceparent} it sends on each call the request
 * causes (the same trace, a new span).
 */
public final class TraceContext {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TraceContext() {
    }

    /** The trace id of {@code traceparent} when it is valid ({@code 00-<32 hex>-<16 hex>-<2 hex>}, not all zeros), else a new one. */
    public static String traceId(String traceparent) {
        if (traceparent != null && traceparent.length() == 55 && traceparent.startsWith("00-")
                && traceparent.charAt(35) == '-' && traceparent.charAt(52) == '-'
                && hex(traceparent, 3, 35) && hex(traceparent, 36, 52) && hex(traceparent, 53, 55)
                && !zeros(traceparent, 3, 35) && !zeros(traceparent, 36, 52)) {
            return traceparent.substring(3, 35);
        }
        return random(16);
    }

    /** A {@code traceparent} for a call on behalf of the request: its trace, a new span, sampled. */
    public static String child(String traceId) {
        return "00-" + traceId + "-" + random(8) + "-01";
    }

    private static String random(int bytes) {
        char[] out = new char[bytes * 2];
        ThreadLocalRandom r = ThreadLocalRandom.current();
        boolean zero = true;
        for (int i = 0; i < out.length; i++) {
            int v = r.nextInt(16);
            zero &= v == 0;
            out[i] = HEX[v];
        }
        if (zero) {
            out[out.length - 1] = '1';
        }
        return new String(out);
    }

    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean zeros(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
