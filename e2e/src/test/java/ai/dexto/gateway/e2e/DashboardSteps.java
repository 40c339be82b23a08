package ai.dexto.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the dashboard's tests do again and again, in the page and beside it: wait for a page's data,
 * open a page already signed in, read a key the page shows once, sign up or start a device login as
 * another client would, and chat through the gateway until a key change or its usage has landed.
 */
final class DashboardSteps {
    static final String PASSWORD = "correct horse battery staple";

    private final LocalSystem system;

    DashboardSteps(LocalSystem system) {
        this.system = system;
    }

    /** Waits until the page's script finished loading its data; a page error fails at once with its text. */
    void loaded(Page page, PageWatch watch) {
        page.locator("body[data-loaded=true], #page-error:not([hidden])").first().waitFor();
        if (page.locator("#page-error").isVisible()) {
            throw new AssertionError("the page failed: " + page.locator("#page-error").textContent() + " " + watch);
        }
    }

    /**
     * A page of the dashboard with the session Supabase Auth would have stored at sign-in, put in place
     * before the first request, so the page's first load is a cold one (nothing cached yet).
     */
    Page signedIn(PageWatch watch, String userId, String path) {
        String session = "{\"access_token\":\"" + system.sessionJwt(userId) + "\",\"refresh_token\":\"\","
                + "\"expires_at\":" + (Instant.now().getEpochSecond() + 3600) + ",\"user\":{\"id\":\"" + userId
                + "\",\"email\":\"" + userId + "@dexto.test\"}}";
        watch.context.addInitScript("if (location.origin === '" + system.dashboardUrl() + "' && "
                + "!sessionStorage.getItem('dexto.session')) sessionStorage.setItem('dexto.session', '" + session + "');");
        Page page = watch.newPage();
        if (path != null) {
            page.navigate(system.dashboardUrl() + path);
        }
        return page;
    }

    /** A user signed up on the simulated Supabase Auth, as another browser would have done. */
    String signedUpThroughTheApi() throws Exception {
        String email = "dash-" + java.util.UUID.randomUUID() + "@example.test";
        HttpResponse<String> r = system.send("POST", system.authUrl() + "/signup?apikey=" + LocalSystem.AUTH_ANON_KEY, null,
                "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        return email;
    }

    /** What {@code dexto login} does first. */
    JsonNode startDeviceLogin() throws Exception {
        return system.json(system.call("POST", system.controlUrl() + "/api/auth/device/start", null,
                "{\"client\":\"dexto-cli\"}", 200));
    }

    String shownKey(Page page) {
        page.locator("#key-dialog").waitFor();
        assertTrue(page.locator("#new-key-warning").textContent().contains("will not be shown again"));
        page.locator("#copy-key").click();
        page.locator("#copy-status", new Page.LocatorOptions().setHasText("Copied")).waitFor();
        String copied = (String) page.evaluate("() => navigator.clipboard.readText()");
        String key = page.locator("#new-key").inputValue();
        assertEquals(key, copied, "the copy button copies the key");
        return key;
    }

    BigDecimal cost(HttpResponse<String> chat) {
        return new BigDecimal(chat.headers().firstValue("X-Dexto-Cost-USD").orElseThrow());
    }

    /** A chat through the gateway, retried until it answers {@code status} (a key change takes the feed a moment). */
    HttpResponse<String> awaitChat(String key, String model, int status) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\""
                + LocalSystem.prompt("hi") + "\"}]}";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Integer> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = system.send("POST", system.gatewayUrl() + "/v1/chat/completions", key, body);
            if (r.statusCode() == status) {
                return r;
            }
            seen.add(r.statusCode());
            Thread.sleep(20);
        }
        throw new AssertionError("the gateway never answered " + status + "; it answered " + seen);
    }

    JsonNode awaitRequests(String key, long n) throws Exception {
        return awaitRequests(key, n, Duration.ofSeconds(20));
    }

    JsonNode awaitRequests(String key, long n, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        JsonNode usage = null;
        while (System.nanoTime() < deadline) {
            usage = system.json(system.call("GET", system.controlUrl() + "/me/usage", key, null, 200));
            if (usage.path("total_requests").asLong() >= n) {
                return usage;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("usage never reached " + n + " requests: " + usage);
    }
}
