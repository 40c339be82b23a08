package ai.dexto.gateway.common.logging;

import ai.dexto.gateway.common.apikey.ApiKeys;

/**
 * The names of the log schema's request fields (docs/logging.md), shared by both planes so a query
 * for one request id or one user finds the lines of each, and the one way a user appears in a log.
 */
public final class LogFields {
    public static final String REQUEST_ID = "request_id";
    public static final String TRACE_ID = "trace_id";
    public static final String USER = "user";
    /** The logger of the one line per answered request, on every plane. */
    public static final String ACCESS_LOGGER = "dexto.access";

    private LogFields() {
    }

    /**
     * The first 16 hex digits of SHA-256 of the user id: lets operators follow one user across lines
     * and planes without the log holding the id itself.
     */
    public static String userHash(String userId) {
        return ApiKeys.hashHex(userId).substring(0, 16);
    }
}
