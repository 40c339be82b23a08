package ai.dexto.gateway.sim.auth;

import ai.dexto.gateway.sim.http.Responses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Supabase Auth's error bodies. By default GoTrue answers {@code {"code":<status>,"error_code":"…","msg":"…"}};
 * a client that sends {@code X-Supabase-Api-Version: 2024-01-01} (supabase-js does) gets
 * {@code {"code":"<error_code>","message":"…"}} instead. The API gateway in front of it answers a
 * missing or wrong {@code apikey} with {@code {"message","hint"}}.
 */
final class AuthErrors {
    static final String API_VERSION_HEADER = "X-Supabase-Api-Version";

    private AuthErrors() {
    }

    /** A refused request, thrown by the model and turned into a response by the handler. */
    static final class Failure extends RuntimeException {
        final int status;
        final String errorCode;
        final List<String> weakPasswordReasons;

        Failure(int status, String errorCode, String message) {
            this(status, errorCode, message, null);
        }

        Failure(int status, String errorCode, String message, List<String> weakPasswordReasons) {
            super(message, null, false, false);
            this.status = status;
            this.errorCode = errorCode;
            this.weakPasswordReasons = weakPasswordReasons;
        }

        FullHttpResponse toResponse(boolean versioned2024) {
            Map<String, Object> body = new LinkedHashMap<>();
            if (versioned2024) {
                body.put("code", errorCode);
                body.put("message", getMessage());
            } else {
                body.put("code", status);
                body.put("error_code", errorCode);
                body.put("msg", getMessage());
            }
            if (weakPasswordReasons != null) {
                body.put("weak_password", Map.of("reasons", weakPasswordReasons));
            }
            return Responses.json(HttpResponseStatus.valueOf(status), body);
        }
    }

    static Failure badRequest(String errorCode, String message) {
        return new Failure(400, errorCode, message);
    }

    static Failure unprocessable(String errorCode, String message) {
        return new Failure(422, errorCode, message);
    }

    static Failure forbidden(String errorCode, String message) {
        return new Failure(403, errorCode, message);
    }

    static Failure unauthorized(String errorCode, String message) {
        return new Failure(401, errorCode, message);
    }

    /** What Supabase's API gateway says before the request reaches Auth. */
    static FullHttpResponse apiKey(String message, String hint) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        body.put("hint", hint);
        return Responses.json(HttpResponseStatus.UNAUTHORIZED, body);
    }
}
