package ai.dexto.gateway.dataplane.pipeline;

import io.netty.handler.codec.http.HttpMethod;

/**
 * What a request path is, decided from the request line alone. Account paths are the control plane's
 * public API, forwarded as they are so customers need one base URL; {@code /admin} and
 * {@code /internal} are never forwarded and answer 404 like any unknown path.
 */
enum Route {
    CHAT,
    MODELS,
    VALIDATE,
    ACCOUNT,
    NOT_FOUND;

    static Route of(String path) {
        switch (path) {
            case "/v1/chat/completions" -> {
                return CHAT;
            }
            case "/v1/models" -> {
                return MODELS;
            }
            case "/keys/validate" -> {
                return VALIDATE;
            }
            case "/keys", "/openapi.json" -> {
                return ACCOUNT; // the API description too: one base URL serves all of it
            }
            default -> {
                return path.startsWith("/api/") || path.startsWith("/me/") || path.equals("/me")
                        || path.startsWith("/keys/") ? ACCOUNT : NOT_FOUND;
            }
        }
    }

    /** The method this route answers, or null when any method may go on (the account service decides). */
    String allowed(HttpMethod method) {
        return switch (this) {
            case CHAT -> HttpMethod.POST.equals(method) ? null : "POST";
            case MODELS -> HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) ? null : "GET, HEAD";
            case VALIDATE -> HttpMethod.GET.equals(method) ? null : "GET";
            case ACCOUNT, NOT_FOUND -> null;
        };
    }

    /** The route's label in metrics and logs. */
    String label() {
        return switch (this) {
            case CHAT -> "chat_completions";
            case MODELS -> "models";
            case VALIDATE -> "keys_validate";
            case ACCOUNT -> "account";
            case NOT_FOUND -> "other";
        };
    }
}
