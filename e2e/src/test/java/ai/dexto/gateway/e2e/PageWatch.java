package ai.dexto.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.Sizes;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Watches everything the dashboard's pages do in one browser context: console errors and uncaught
 * exceptions, failed requests and error statuses, and every response body the pages receive, which
 * must never hold an upstream key or a 64-hex key hash. The simulated Stripe's hosted page (Stripe's,
 * in production) is outside the dashboard and is not judged.
 */
final class PageWatch implements AutoCloseable {
    private static final Pattern UPSTREAM_KEY = Pattern.compile("sk-or-");
    private static final Pattern HASH = Pattern.compile("(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])");

    final BrowserContext context;
    private final String stripeOrigin;
    private final List<String> problems = new ArrayList<>();
    private final List<String> allowedStatuses = new ArrayList<>();
    private long bytes;

    PageWatch(BrowserContext context, LocalSystem system) {
        this.context = context;
        this.stripeOrigin = origin(system.stripeUrl());
        context.onPage(this::watch);
        context.onRequestFailed(r -> {
            if (judged(r.url())) {
                problems.add("request failed: " + r.method() + " " + r.url() + " " + r.failure());
            }
        });
        context.onResponse(this::inspect);
        context.onRequestFinished(r -> {
            Sizes s = r.sizes();
            bytes += s.responseHeadersSize + s.responseBodySize;
        });
    }

    Page newPage() {
        return context.newPage();
    }

    /** An error status the test provokes on purpose (e.g. "404 /api/auth/device"), not counted as a failure. */
    void allow(String statusAndPathPrefix) {
        allowedStatuses.add(statusAndPathPrefix);
    }

    /** Bytes transferred (headers + encoded bodies) since the last call. */
    long takeBytes() {
        long b = bytes;
        bytes = 0;
        return b;
    }

    private void watch(Page page) {
        page.onConsoleMessage(m -> {
            if ("error".equals(m.type()) && judged(m.location()) && !allowedLoadFailure(m.text(), m.location())) {
                problems.add("console error on " + page.url() + ": " + m.text());
            }
        });
        page.onPageError(e -> problems.add("uncaught exception on " + page.url() + ": " + e));
    }

    /** Chrome also logs an allowed error status as "Failed to load resource: … status of 400 …". */
    private boolean allowedLoadFailure(String text, String location) {
        if (!text.startsWith("Failed to load resource: the server responded with a status of ")) {
            return false;
        }
        String status = text.replaceAll("\\D*(\\d{3}).*", "$1");
        String url = location == null ? "" : location.replaceAll(":\\d+:\\d+$", ""); // "URL:line:column"
        String path = url.isEmpty() ? "" : URI.create(url).getPath();
        return allowedStatuses.stream().anyMatch(a -> (status + " " + path).startsWith(a));
    }

    private void inspect(Response r) {
        if (!judged(r.url())) {
            return;
        }
        String path = URI.create(r.url()).getPath();
        if (r.status() >= 400 && allowedStatuses.stream().noneMatch(a -> a.equals(r.status() + " " + path)
                || (r.status() + " " + path).startsWith(a))) {
            problems.add("HTTP " + r.status() + " for " + r.request().method() + " " + r.url());
        }
        if (r.status() >= 300 && r.status() < 400) {
            return; // a redirect has no body to read
        }
        String body;
        try {
            body = r.text();
        } catch (RuntimeException e) {
            return; // a body the browser did not keep (e.g. a page navigated away from)
        }
        if (body != null && (UPSTREAM_KEY.matcher(body).find() || HASH.matcher(body).find())) {
            problems.add("an upstream key or key hash in the response to " + r.url());
        }
    }

    private boolean judged(String url) {
        return url != null && !url.isEmpty() && !url.startsWith(stripeOrigin) && !url.startsWith("data:")
                && !url.startsWith("blob:");
    }

    /** Fails the test with every problem seen, if any. */
    void assertClean() {
        assertEquals(List.of(), problems, "the dashboard misbehaved");
    }

    @Override
    public String toString() {
        return "problems seen: " + problems;
    }

    @Override
    public void close() {
        context.close();
    }

    private static String origin(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://" + u.getHost() + ":" + u.getPort();
    }
}
