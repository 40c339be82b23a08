package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.dataplane.http.GatewayError;

/** What an upstream error status becomes for the client. */
final class UpstreamErrors {
    private UpstreamErrors() {
    }

    static GatewayError map(int status) {
        return switch (status) {
            case 400, 422 -> GatewayError.UPSTREAM_REJECTED;
            case 401 -> GatewayError.UPSTREAM_AUTH;
            case 404 -> GatewayError.UPSTREAM_REJECTED;
            case 429 -> GatewayError.UPSTREAM_RATE_LIMITED;
            case 503 -> GatewayError.UPSTREAM_UNAVAILABLE;
            case 408, 504 -> GatewayError.UPSTREAM_TIMEOUT;
            default -> GatewayError.UPSTREAM_ERROR;
        };
    }
}
