package ai.dexto.gateway.controlplane.dashboard;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Security headers on every response of the public port (pages, assets and API alike). The policy
 * allows scripts and styles from this origin only (no inline script, no eval), network calls to this
 * origin, the API and Supabase Auth, and no framing; responses are never MIME-sniffed and carry no
 * referrer (a return URL holds a Checkout session id).
 */
public final class SecurityHeaders implements Filter {
    private final String policy;

    public SecurityHeaders(String apiUrl, String authUrl) {
        Set<String> connect = new LinkedHashSet<>();
        connect.add("'self'");
        for (String url : new String[] {apiUrl, authUrl}) {
            String origin = origin(url);
            if (origin != null) {
                connect.add(origin);
            }
        }
        this.policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "font-src 'self'; connect-src " + String.join(" ", connect) + "; form-action 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
    }

    public String policy() {
        return policy;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletResponse response = (HttpServletResponse) res;
        response.setHeader("Content-Security-Policy", policy);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        response.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
        chain.doFilter(req, res);
    }

    /** {@code scheme://host[:port]} of an absolute URL; null for an empty or relative one. */
    static String origin(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        URI u = URI.create(url.trim());
        if (u.getScheme() == null || u.getHost() == null) {
            throw new IllegalArgumentException("not an absolute URL: " + url);
        }
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    }
}
