package ai.dexto.gateway.controlplane.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CORS for the dashboard: only allow-listed origins ({@code DEXTO_CORS_ORIGINS}) get CORS headers.
 * Auth is by bearer token only, so credentials (cookies) are never allowed. Preflights end here.
 */
public final class CorsFilter implements Filter {
    private final Set<String> origins;

    public CorsFilter(String commaSeparatedOrigins) {
        this.origins = Arrays.stream(commaSeparatedOrigins.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String origin = request.getHeader("Origin");
        boolean allowed = origin != null && origins.contains(origin);
        if (origin != null) {
            response.addHeader("Vary", "Origin");
        }
        if (allowed) {
            response.setHeader("Access-Control-Allow-Origin", origin);
            response.setHeader("Access-Control-Expose-Headers", "X-Request-ID, X-Dexto-Request-ID");
        }
        boolean preflight = "OPTIONS".equals(request.getMethod()) && origin != null
                && request.getHeader("Access-Control-Request-Method") != null;
        if (preflight) {
            if (allowed) {
                response.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
                response.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-ID, X-Dexto-Request-ID, traceparent");
                response.setHeader("Access-Control-Max-Age", "600");
                response.setStatus(204);
            } else {
                response.setStatus(403);
            }
            return;
        }
        chain.doFilter(req, res);
    }
}
