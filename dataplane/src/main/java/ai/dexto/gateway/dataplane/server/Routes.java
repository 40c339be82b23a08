package ai.dexto.gateway.dataplane.server;

import ai.dexto.gateway.dataplane.ops.AccessLog;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;

/** The shared (per gateway) handlers a connection's {@link RequestRouter} dispatches to. */
public record Routes(ChatRoute chat, ModelsRoute models, ValidateRoute validate, GatewayMetrics metrics,
                     AccessLog accessLog) {
}
