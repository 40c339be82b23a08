package ai.dexto.gateway.dataplane.ops;

import static net.logstash.logback.argument.StructuredArguments.kv;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured JSON line per answered request (logstash encoder): request id, route, status,
 * latency and a hash of the user id. Never a prompt, an API key or an upstream key.
 */
public final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("dexto.access");

    public void log(String requestId, String route, int status, long nanos, String userLogId, String model,
                    String costUsd) {
        if (LOG.isInfoEnabled()) {
            LOG.info("access", kv("request_id", requestId), kv("route", route), kv("status", status),
                    kv("latency_ms", nanos / 1_000_000.0), kv("user", userLogId), kv("model", model),
                    kv("cost_usd", costUsd));
        }
    }
}
