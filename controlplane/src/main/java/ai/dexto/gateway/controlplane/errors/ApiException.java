package ai.dexto.gateway.controlplane.errors;

/**
 * An expected failure with its HTTP status and OpenAI-shaped error fields. Messages are written for
 * the caller and never contain keys, tokens or prompts.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;

    public ApiException(int status, String type, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, "invalid_request_error", code, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "authentication_error", "unauthorized", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found_error", "not_found", message);
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(409, "invalid_request_error", code, message);
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
}
