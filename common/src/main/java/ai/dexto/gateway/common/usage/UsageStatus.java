package ai.dexto.gateway.common.usage;

/** How a request ended. The code is what the journal stores; never renumber. */
public enum UsageStatus {
    COMPLETED(0),
    CLIENT_ABORTED(1),
    UPSTREAM_ERROR(2),
    TIMEOUT(3),
    REJECTED(4);

    private static final UsageStatus[] BY_CODE = {COMPLETED, CLIENT_ABORTED, UPSTREAM_ERROR, TIMEOUT, REJECTED};

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

    /** The lowercase name used in SQL and JSON. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
