package ai.dexto.gateway.sim.openrouter;

import ai.dexto.gateway.sim.http.Responses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** OpenRouter's error body: {@code {"error":{"code":<status>,"message":"…"}}} with the same status. */
public final class OpenRouterErrors {
    private OpenRouterErrors() {
    }

    public static FullHttpResponse error(int status, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", status);
        error.put("message", message);
        FullHttpResponse response = Responses.json(HttpResponseStatus.valueOf(status), Map.of("error", error));
        if (status == 429) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        return response;
    }

    /** The message OpenRouter gives for each failure status we inject. */
    public static String messageFor(int status) {
        return switch (status) {
            case 400 -> "Bad request (simulated)";
            case 401 -> "User not found.";
            case 402 -> "Insufficient credits (simulated)";
            case 403 -> "Forbidden (simulated)";
            case 408 -> "Request timed out (simulated)";
            case 429 -> "Rate limit exceeded: upstream provider is rate limited (simulated)";
            case 502 -> "Provider returned error (simulated)";
            case 503 -> "No instances available (simulated)";
            default -> "Internal server error (simulated)";
        };
    }
}
