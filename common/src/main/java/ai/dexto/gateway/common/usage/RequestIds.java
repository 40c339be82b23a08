package ai.dexto.gateway.common.usage;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * 128-bit, time-ordered request ids in the UUIDv7 layout (RFC 9562): 48 bits of Unix milliseconds,
 * then random bits. Sorting by id sorts by arrival; two nodes never collide in practice (74 random
 * bits). Held as two longs so the hot path allocates nothing until the id is printed.
 */
public final class RequestIds {
    private RequestIds() {
    }

    public static long newHigh(long epochMillis) {
        long rand12 = ThreadLocalRandom.current().nextLong() & 0xFFFL;
        return (epochMillis << 16) | 0x7000L | rand12;
    }

    public static long newLow() {
        return (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    }

    /** The canonical 36-character UUID string, used in headers, logs and SQL. */
    public static String format(long high, long low) {
        return new UUID(high, low).toString();
    }

    public static UUID toUuid(long high, long low) {
        return new UUID(high, low);
    }

    public static long epochMillisOf(long high) {
        return high >>> 16;
    }
}
