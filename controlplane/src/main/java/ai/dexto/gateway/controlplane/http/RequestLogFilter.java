package ai.dexto.gateway.controlplane.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import ai.dexto.gateway.common.logging.LogFields;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code dexto.access} line per answered request, in the schema both planes share
 * (docs/logging.md): method, path, status and duration; request id, trace id and user come from the
 * logging context. The path is the matched route template when Jersey matched one
 * ({@link RouteTemplateFilter}), so ids in paths stay out of the log; never the query string.
 */
public final class RequestLogFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(LogFields.ACCESS_LOGGER);

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        long started = System.nanoTime();
        HttpServletRequest request = (HttpServletRequest) req;
        try {
            chain.doFilter(req, res);
        } finally {
            if (LOG.isInfoEnabled()) {
                Object template = request.getAttribute(RouteTemplateFilter.ATTRIBUTE);
                String path = template != null ? template.toString() : request.getRequestURI();
                LOG.info("request", kv("method", request.getMethod()), kv("path", path),
                        kv("status", ((HttpServletResponse) res).getStatus()),
                        kv("duration_ms", Math.round((System.nanoTime() - started) / 10_000.0) / 100.0));
            }
        }
    }
}
