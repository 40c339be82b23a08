package ai.dexto.gateway.controlplane.dashboard;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The dashboard's pages at their own paths ({@code /login}, {@code /keys}, {@code /billing}, …). Some
 * share a path with the API ({@code GET /keys} lists keys), so a page is answered only to a browser
 * navigating there: a GET or HEAD that accepts HTML and carries no {@code Authorization} header (the
 * API is token-only, so such a request could never have been an API call). Anything else goes on to
 * the API. Pages are static HTML from the classpath ({@code dashboard/pages/}); their scripts fetch
 * the data.
 */
public final class DashboardPages implements Filter {
    /** Path → page file. */
    static final Map<String, String> PAGES = Map.of(
            "/", "index.html",
            "/login", "login.html",
            "/signup", "signup.html",
            "/profile", "profile.html",
            "/keys", "keys.html",
            "/billing", "billing.html",
            "/models", "models.html",
            "/device", "device.html");

    private final Map<String, byte[]> pages = new HashMap<>();

    public DashboardPages() {
        PAGES.forEach((path, file) -> pages.put(path, load("dashboard/pages/" + file)));
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        byte[] page = pages.get(request.getRequestURI());
        if (page == null || !isNavigation(request)) {
            chain.doFilter(req, res);
            return;
        }
        HttpServletResponse response = (HttpServletResponse) res;
        response.setStatus(200);
        response.setContentType("text/html; charset=utf-8");
        response.setHeader("Cache-Control", "no-cache");
        response.addHeader("Vary", "Accept, Authorization");
        response.setContentLength(page.length);
        if ("GET".equals(request.getMethod())) {
            response.getOutputStream().write(page);
        }
    }

    private static boolean isNavigation(HttpServletRequest request) {
        String method = request.getMethod();
        String accept = request.getHeader("Accept");
        return ("GET".equals(method) || "HEAD".equals(method)) && request.getHeader("Authorization") == null
                && accept != null && accept.contains("text/html");
    }

    private static byte[] load(String resource) {
        try (InputStream in = DashboardPages.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing dashboard page " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
