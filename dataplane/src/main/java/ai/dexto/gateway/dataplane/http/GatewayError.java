package ai.dexto.gateway.dataplane.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Every error the gateway answers, in one table: HTTP status, OpenAI error {@code type} and
 * {@code code}, and the default message. Answers use OpenAI's shape
 * {@code {"error":{"message","type","code"}}}; messages never carry keys, tokens or prompts.
 */
public enum GatewayError {
    BAD_HTTP(400, "invalid_request_error", "bad_request", "The request is not valid HTTP/1.1."),
    HEADERS_TOO_LARGE(400, "invalid_request_error", "request_header_too_large",
            "The request line or headers are too large."),
    INVALID_REQUEST(400, "invalid_request_error", "invalid_request_error", "The request body is not valid."),
    UNSUPPORTED_PARAMETER(400, "invalid_request_error", "unsupported_parameter",
            "A request parameter is not supported."),
    MISSING_KEY(401, "invalid_request_error", "invalid_api_key", "Missing API key: send Authorization: Bearer dxt_..."),
    INVALID_KEY(401, "invalid_request_error", "invalid_api_key", "Invalid API key."),
    REVOKED_KEY(401, "invalid_request_error", "invalid_api_key", "This API key has been revoked."),
    INSUFFICIENT_CREDITS(402, "insufficient_credits", "insufficient_credits", "Insufficient credits."),
    NOT_FOUND(404, "invalid_request_error", "not_found", "No such route."),
    MODEL_NOT_FOUND(404, "invalid_request_error", "model_not_found", "The model does not exist."),
    METHOD_NOT_ALLOWED(405, "invalid_request_error", "method_not_allowed", "Method not allowed on this path."),
    REQUEST_TIMEOUT(408, "invalid_request_error", "request_timeout", "The request was not received in time."),
    BODY_TOO_LARGE(413, "invalid_request_error", "request_too_large", "The request body is too large."),
    RATE_LIMITED(429, "rate_limit_error", "rate_limit_exceeded",
            "Rate limit reached for your tier; retry after the Retry-After seconds."),
    AT_CAPACITY(429, "rate_limit_error", "rate_limit_exceeded", "The gateway is at capacity; retry shortly."),
    UNAUTHENTICATED_LIMIT(429, "rate_limit_error", "rate_limit_exceeded",
            "Too many unauthenticated requests from this address; retry shortly."),
    UPSTREAM_RATE_LIMITED(429, "rate_limit_error", "upstream_rate_limited", "The upstream is rate limiting; retry shortly."),
    INTERNAL(500, "server_error", "internal_error", "The gateway failed on this request."),
    UPSTREAM_UNREACHABLE(502, "upstream_error", "upstream_unreachable", "The upstream cannot be reached."),
    UPSTREAM_ERROR(502, "upstream_error", "upstream_error", "The upstream failed."),
    UPSTREAM_MALFORMED(502, "upstream_error", "upstream_malformed", "The upstream sent a malformed answer."),
    UPSTREAM_AUTH(502, "upstream_error", "upstream_auth", "The upstream refused this account's credentials."),
    CONTROL_PLANE_UNAVAILABLE(502, "upstream_error", "account_service_unavailable",
            "The account service cannot be reached; retry shortly."),
    UPSTREAM_REJECTED(400, "invalid_request_error", "upstream_rejected", "The upstream rejected the request."),
    AUTH_UNAVAILABLE(503, "service_unavailable", "auth_unavailable", "Keys cannot be checked right now; retry shortly."),
    ACCOUNT_NOT_READY(503, "service_unavailable", "account_not_ready", "Your account is still being set up; retry shortly."),
    MODELS_UNAVAILABLE(503, "service_unavailable", "models_unavailable", "The model list is not loaded yet; retry shortly."),
    JOURNAL_UNAVAILABLE(503, "service_unavailable", "journal_unavailable",
            "This gateway node cannot record usage right now; retry shortly (another node may serve you)."),
    SERVER_BUSY(503, "service_unavailable", "server_busy", "The gateway is busy; retry shortly."),
    TOO_MANY_CONNECTIONS(503, "service_unavailable", "too_many_connections", "Too many connections; retry shortly."),
    UPSTREAM_UNAVAILABLE(503, "service_unavailable", "upstream_unavailable", "The upstream is failing; retry shortly."),
    SHUTTING_DOWN(503, "service_unavailable", "shutting_down", "This gateway node is shutting down; retry."),
    UPSTREAM_TIMEOUT(504, "timeout", "upstream_timeout", "The upstream did not answer in time.");

    public final int status;
    public final String type;
    public final String code;
    public final String message;

    GatewayError(int status, String type, String code, String message) {
        this.status = status;
        this.type = type;
        this.code = code;
        this.message = message;
    }

    /** The error with its default message. */
    public FullHttpResponse response() {
        return response(message);
    }

    public FullHttpResponse response(String detail) {
        ByteBuf body = Unpooled.wrappedBuffer(json(detail));
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return r;
    }

    /** The error as a whole raw HTTP/1.1 response with {@code connection: close}, for use before (or instead of) the codec. */
    public ByteBuf raw() {
        byte[] body = json(message);
        String head = "HTTP/1.1 " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase()
                + "\r\ncontent-type: application/json\r\ncontent-length: " + body.length + "\r\nconnection: close\r\n\r\n";
        return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
    }

    public byte[] json(String detail) {
        StringBuilder sb = new StringBuilder(96 + detail.length());
        sb.append("{\"error\":{\"message\":");
        quote(sb, detail);
        sb.append(",\"type\":");
        quote(sb, type);
        sb.append(",\"code\":");
        quote(sb, code);
        sb.append("}}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
