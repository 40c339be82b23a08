package ai.dexto.gateway.common.usage;

/**
 * How a request ended. The code is what the journal stores; never renumber, only append. A status an
 * older reader does not know travels with a {@link #legacy() legacy} stand-in it does know (see
 * {@code UsageEventCodec}).
 */
public enum UsageStatus {
    COMPLETED(0),
    CLIENT_ABORTED(1),
    UPSTREAM_ERROR(2),
    TIMEOUT(3),
    REJECTED(4),
    /** Cut by a gateway stop after its grace period (schema v3). */
    SHUTDOWN(5),
    /**
     * Not an ending: the intent record a gateway journals as soon as a stream's generation id is known
     * (billed 0, cost pending). The request's final record (same request id) completes it; if none
     * comes (the node was killed), the control plane settles the generation from the upstream's record.
     */
    IN_FLIGHT(6);

    private static final UsageStatus[] BY_CODE = {COMPLETED, CLIENT_ABORTED, UPSTREAM_ERROR, TIMEOUT, REJECTED,
        SHUTDOWN, IN_FLIGHT};
    /** The highest code a version-2 reader knows. */
    private static final int LAST_VERSION_2_CODE = REJECTED.code;

    public final int code;

    UsageStatus(int code) {
        this.code = code;
    }

    public static UsageStatus ofCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown usage status code " + code);
        }
        return BY_CODE[code];
    }

    /**
     * The status written in the version-1 slot, for readers that predate this one: itself when they know
     * it, else the nearest older meaning (a shutdown cut is, to them, an upstream-side error).
     */
    public UsageStatus legacy() {
        return code <= LAST_VERSION_2_CODE ? this : UPSTREAM_ERROR;
    }

    /** The lowercase name used in SQL and JSON. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
