package ai.dexto.gateway.controlplane.http;

import ai.dexto.gateway.common.logging.LogFields;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Gives every request an id and a trace id and puts both in the logging context, so every line the
 * request causes carries them (docs/logging.md). The id is the gateway's {@code X-Dexto-Request-ID}
 * when the gateway forwarded the request (else the caller's {@code X-Request-ID}) when it is a plain
 * token, else a new UUID; it is echoed in both headers. The trace id comes from a W3C
 * {@code traceparent}, else a new trace starts here.
 */
public final class RequestIdFilter implements Filter {
    public static final String HEADER = "X-Request-ID";
    public static final String DEXTO_HEADER = "X-Dexto-Request-ID";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String id = safe(request.getHeader(DEXTO_HEADER));
        if (id == null) {
            id = safe(request.getHeader(HEADER));
        }
        if (id == null) {
            id = UUID.randomUUID().toString();
        }
        response.setHeader(HEADER, id);
        response.setHeader(DEXTO_HEADER, id);
        MDC.put(LogFields.REQUEST_ID, id);
        MDC.put(LogFields.TRACE_ID, TraceParent.traceIdOrNew(request.getHeader(TraceParent.HEADER)));
        try {
            chain.doFilter(req, res);
        } finally {
            MDC.remove(LogFields.REQUEST_ID);
            MDC.remove(LogFields.TRACE_ID);
            MDC.remove(LogFields.USER);
        }
    }

    private static String safe(String given) {
        return given != null && SAFE.matcher(given).matches() ? given : null;
    }
}
