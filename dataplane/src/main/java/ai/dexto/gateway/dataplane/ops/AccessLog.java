package ai.dexto.gateway.dataplane.ops;

import ai.dexto.gateway.common.money.Money;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One {@code request} line per answered request, in the schema of {@code docs/logging.md}: request
 * id, trace id, hashed user, method, path (never the query), status, duration, model and cost, as
 * structured arguments (event loops interleave requests, so nothing goes through the MDC); absent
 * values are left out. Written off the event loops by an async appender that drops rather than blocks.
 * Never a prompt or a key.
 */
public final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("dexto.access");

    public boolean enabled() {
        return LOG.isInfoEnabled();
    }

    /** {@code billedNanos}: what a chat request was billed, -1 when none was settled. */
    public void log(String requestId, String traceId, String route, String method, String path, int status, long nanos,
                    String user, String model, long billedNanos) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        LoggingEventBuilder b = LOG.atInfo().setMessage("request")
                .addKeyValue("request_id", requestId)
                .addKeyValue("trace_id", traceId)
                .addKeyValue("route", route)
                .addKeyValue("method", method)
                .addKeyValue("path", path)
                .addKeyValue("status", status)
                .addKeyValue("duration_ms", nanos / 1_000_000.0);
        if (user != null) {
            b = b.addKeyValue("user", user);
        }
        if (model != null) {
            b = b.addKeyValue("model", model);
        }
        if (billedNanos >= 0) {
            b = b.addKeyValue("cost_usd", Money.format(billedNanos));
        }
        b.log();
    }
}
