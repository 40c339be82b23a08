package ai.dexto.gateway.sim.stripe;

import ai.dexto.gateway.sim.http.Responses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** Stripe's error body: {@code {"error":{"message","type","code"?,"param"?}}}. */
final class StripeErrors {
    private StripeErrors() {
    }

    static FullHttpResponse invalidRequest(int status, String message, String code, String param) {
        Map<String, Object> error = new LinkedHashMap<>();
        if (code != null) {
            error.put("code", code);
        }
        error.put("message", message);
        if (param != null) {
            error.put("param", param);
        }
        error.put("type", "invalid_request_error");
        return Responses.json(HttpResponseStatus.valueOf(status), Map.of("error", error));
    }

    /** Thrown by the checkout model when a request cannot be served; becomes a Stripe error response. */
    static final class Failure extends RuntimeException {
        final int status;
        final String code;
        final String param;

        Failure(int status, String message, String code, String param) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
            this.param = param;
        }

        FullHttpResponse toResponse() {
            return invalidRequest(status, getMessage(), code, param);
        }
    }
}
