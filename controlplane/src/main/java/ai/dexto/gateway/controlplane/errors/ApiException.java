package ai.dexto.gateway.controlplane.errors;

/**
 * An expected failure with its HTTP status and OpenAI-shaped error fields. Messages are written for
 * the caller and never contain keys, tokens or prompts.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final long retryAfterSeconds;

    public ApiException(int status, String type, String code, String message) {
        this(status, type, code, message, 0);
    }

    private ApiException(int status, String type, String code, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 429 with a {@code Retry-After} of at least one second. */
    public static ApiException tooManyRequests(String code, String message, long retryAfterSeconds) {
        return new ApiException(429, "rate_limit_error", code, message, Math.max(1, retryAfterSeconds));
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, "invalid_request_error", code, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "authentication_error", "unauthorized", message);
    }

    public static ApiException forbidden(String code, String message) {
        return new ApiException(403, "permission_error", code, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found_error", "not_found", message);
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(409, "invalid_request_error", code, message);
    }

    public static ApiException tooManyRequests(String code, String message) {
        return new ApiException(429, "rate_limit_error", code, message);
    }

    public static ApiException upstream(String message) {
        return new ApiException(502, "api_error", "upstream_error", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    /** Seconds for {@code Retry-After}; 0 when the answer has none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
