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

    /** Our message for {@code e}: the upstream's own words when it rejected the request. */
    static String detail(GatewayError e, int status, WholeAnswer body) {
        return switch (e) {
            case UPSTREAM_REJECTED -> "The upstream rejected the request: " + body.upstreamMessage();
            case UPSTREAM_ERROR -> "The upstream failed (" + status + ").";
            default -> null;
        };
    }
}
