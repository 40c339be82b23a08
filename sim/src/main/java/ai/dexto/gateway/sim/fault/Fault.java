package ai.dexto.gateway.sim.fault;

/**
 * One parsed fault specification, as given in {@code X-Sim-Fault} or {@code POST /sim/faults}.
 * Several faults may be combined with {@code ;} or {@code ,} (e.g. {@code delay-headers=200;status=503}).
 * Chunk counts refer to token chunks of a streamed answer; a value of -1 means "not set".
 *
 * @param status          answer with this HTTP status and an OpenRouter error body instead of a completion
 * @param delayHeadersMs  hold the whole response (headers included) this long
 * @param resetAfter      close the TCP connection abruptly (RST) after this many token chunks
 * @param stallAfter      stop sending after this many token chunks but keep the connection open
 * @param malformedAfter  send one chunk of broken JSON after this many token chunks, then carry on
 * @param noUsage         leave the usage out of the answer (no usage chunk, no usage object)
 * @param fallback        the primary model "fails": the answer comes from the last model of the request's
 *                        {@code models} list, as OpenRouter falls back
 */
public record Fault(int status, long delayHeadersMs, int resetAfter, int stallAfter, int malformedAfter,
                    boolean noUsage, boolean fallback) {
    public static final Fault NONE = new Fault(-1, -1, -1, -1, -1, false, false);

    public static Fault parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        int status = -1;
        long delay = -1;
        int reset = -1;
        int stall = -1;
        int malformed = -1;
        boolean noUsage = false;
        boolean fallback = false;
        for (String part : spec.split("[;,]")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            String name = eq < 0 ? item : item.substring(0, eq).trim();
            String value = eq < 0 ? null : item.substring(eq + 1).trim();
            switch (name) {
                case "status" -> status = statusCode(number(name, value));
                case "delay-headers" -> delay = number(name, value);
                case "reset-after" -> reset = (int) number(name, value);
                case "stall-after" -> stall = (int) number(name, value);
                case "malformed-after" -> malformed = (int) number(name, value);
                case "no-usage" -> noUsage = true;
                case "fallback" -> fallback = true;
                default -> throw new IllegalArgumentException("unknown fault: " + name);
            }
        }
        return new Fault(status, delay, reset, stall, malformed, noUsage, fallback);
    }

    public boolean isNone() {
        return equals(NONE);
    }

    public boolean delaysHeaders() {
        return delayHeadersMs > 0;
    }

    private static long number(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        try {
            long n = Long.parseLong(value);
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " out of range: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: " + value, e);
        }
    }

    private static int statusCode(long code) {
        if (code < 400 || code > 599) {
            throw new IllegalArgumentException("status must be a 4xx or 5xx code: " + code);
        }
        return (int) code;
    }
}
