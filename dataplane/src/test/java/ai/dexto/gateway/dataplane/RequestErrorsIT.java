package ai.dexto.gateway.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.common.money.Money;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.TestInstance;

/** Refusals before the upstream is asked: 400, 401, 402, 404, 405, 413, 429; models and validate. */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestErrorsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    GatewayFixture f;
    String key;

    @BeforeAll
    void start() throws Exception {
        f = GatewayFixture.start(b -> { });
        key = f.addUser("user-errors", Money.ofUsd(10), "unlimited");
    }

    @AfterAll
    void stop() {
        f.close();
    }

    static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertEquals(code, error.path("code").asText(), r.body());
        assertTrue(error.path("message").isTextual() && error.path("type").isTextual());
    }

    @Test
    void malformedKeyIsRefusedWithoutLookup() throws Exception {
        assertError(f.chat("dxt_notakey", GatewayFixture.body(false, 5)), 401, "invalid_api_key");
        String real = ApiKeys.generate(new SecureRandom());
        String flipped = real.substring(0, 10) + (real.charAt(10) == 'a' ? 'b' : 'a') + real.substring(11);
        assertError(f.chat(flipped, GatewayFixture.body(false, 5)), 401, "invalid_api_key");
        assertError(f.chat(null, GatewayFixture.body(false, 5)), 401, "invalid_api_key");
    }

    @Test
    void unknownKeyWithControlPlaneAwayIsNotServed() throws Exception {
        HttpResponse<String> r = f.chat(ApiKeys.generate(new SecureRandom()), GatewayFixture.body(false, 5));
        assertError(r, 503, "auth_unavailable");
        assertTrue(r.headers().firstValue("x-ratelimit-limit-requests").isEmpty(),
                "no user, no bucket to report: the rate headers describe the caller's own bucket");
    }

    @Test
    void revokedKeyIsRefusedOnceTheFeedSaysSo() throws Exception {
        String k = f.addUser("user-revoke", Money.ofUsd(1), "unlimited");
        assertEquals(200, f.chat(k, GatewayFixture.body(false, 5)).statusCode());
        f.revoke(k, "user-revoke");
        assertError(f.chat(k, GatewayFixture.body(false, 5)), 401, "invalid_api_key");
    }

    @Test
    void unknownModelIs404() throws Exception {
        assertError(f.chat(key, "{\"model\":\"nope/nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                404, "model_not_found");
    }

    @Test
    void malformedOrIncompleteBodiesAre400() throws Exception {
        assertError(f.chat(key, "{\"model\":"), 400, "invalid_request_error");
        assertError(f.chat(key, "[1,2]"), 400, "invalid_request_error");
        assertError(f.chat(key, "{\"model\":\"" + GatewayFixture.MODEL + "\",\"messages\":[]}"), 400,
                "invalid_request_error");
        assertError(f.chat(key, "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400, "invalid_request_error");
        assertError(f.chat(key, "{\"model\":\"" + GatewayFixture.MODEL
                + "\",\"max_tokens\":-3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400, "invalid_request_error");
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        String big = "{\"model\":\"" + GatewayFixture.MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "a".repeat(4 * 1024 * 1024 + 10) + "\"}]}";
        assertError(f.chat(key, big), 413, "request_too_large");
    }

    @Test
    void wrongMethodIs405AndUnknownPathIs404() throws Exception {
        assertEquals(405, f.get(f.gateway.url() + "/v1/chat/completions").statusCode());
        assertEquals(404, f.get(f.gateway.url() + "/v2/nothing").statusCode());
    }

    @Test
    void insufficientBalanceIs402WithBalanceAndTopUpUrl() throws Exception {
        String poor = f.addUser("user-poor", 1_000, "unlimited");
        HttpResponse<String> r = f.chat(poor, GatewayFixture.body(false, 1000));
        assertError(r, 402, "insufficient_credits");
        assertTrue(r.body().contains("$0.000001"), r.body());
        assertTrue(r.body().contains("https://dexto.ai/billing"), r.body());
        assertError(f.chat(poor, GatewayFixture.body(false, null)), 402, "insufficient_credits");
    }

    @Test
    void concurrentRequestsNeverTakeABalanceBelowZero() throws Exception {
        // Each request's worst case is about $0.00013; the balance covers a handful, not all 24.
        long balance = 300_000;
        String k = f.addUser("user-race", balance, "unlimited");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            boolean stream = i % 2 == 0;
            answers.add(pool.submit(() -> f.chat(k, GatewayFixture.body(stream, 200))));
        }
        int ok = 0;
        int refused = 0;
        for (Future<HttpResponse<String>> a : answers) {
            HttpResponse<String> r = a.get();
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertEquals(402, r.statusCode(), r.body());
                refused++;
            }
        }
        pool.shutdown();
        assertTrue(ok > 0 && refused > 0, ok + " ok, " + refused + " refused");
        long journaled = 0;
        long deadline = System.nanoTime() + 10_000_000_000L;
        int events = -1;
        while (events != ok && System.nanoTime() < deadline) {
            // Settlement follows the answer on the event loop; wait until every answer is journaled.
            Thread.sleep(20);
            events = 0;
            journaled = 0;
            for (ai.dexto.gateway.common.usage.UsageEvent e : f.journal(0)) {
                if (e.userId.equals("user-race") && e.status != ai.dexto.gateway.common.usage.UsageStatus.IN_FLIGHT) {
                    events++;
                    journaled += e.billedCostNanos;
                }
            }
        }
        assertEquals(ok, events);
        long spendable = f.gateway.account("user-race").spendable();
        assertTrue(spendable >= 0, "spendable " + spendable);
        assertTrue(journaled <= balance, "billed " + journaled + " of " + balance);
        assertEquals(balance - journaled, spendable, "no reservation left open");
    }

    @Test
    void userBucketRefusesWith429AndRateHeaders() throws Exception {
        String k = f.addUser("user-free", Money.ofUsd(1), "free");
        HttpResponse<String> last = null;
        for (int i = 0; i < 11; i++) {
            last = f.chat(k, "{\"model\":\"nope/nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            if (i < 10) {
                assertEquals(404, last.statusCode());
                assertEquals("60", last.headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
                assertEquals(Integer.toString(9 - i), last.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
            }
        }
        assertError(last, 429, "rate_limit_exceeded");
        assertTrue(Integer.parseInt(last.headers().firstValue("retry-after").orElseThrow()) >= 1);
        assertEquals("0", last.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
        assertTrue(last.headers().firstValue("x-ratelimit-reset-requests").orElseThrow().endsWith("ms"));
    }

    @Test
    void modelsListIsServedWithEtagAnd304() throws Exception {
        HttpResponse<String> r = f.get(f.gateway.url() + "/v1/models");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains(GatewayFixture.MODEL));
        String etag = r.headers().firstValue("etag").orElseThrow();
        assertTrue(r.headers().firstValue("cache-control").orElseThrow().contains("max-age"));
        assertEquals(304, f.get(f.gateway.url() + "/v1/models", "If-None-Match", etag).statusCode());
    }

    @Test
    void validateSaysWhetherAKeyIsValid() throws Exception {
        assertEquals("{\"valid\":true}", f.get(f.gateway.url() + "/keys/validate", "Authorization", "Bearer " + key).body());
        assertEquals("{\"valid\":false}", f.get(f.gateway.url() + "/keys/validate", "Authorization", "Bearer dxt_x").body());
    }

    @Test
    void opsPortServesHealthReadyAndMetrics() throws Exception {
        assertEquals(200, f.get(f.gateway.opsUrl() + "/health").statusCode());
        assertEquals(200, f.get(f.gateway.opsUrl() + "/ready").statusCode());
        f.chat(key, GatewayFixture.body(false, 3));
        String metrics = f.get(f.gateway.opsUrl() + "/metrics").body();
        for (String name : List.of("dexto_gateway_requests_total", "dexto_gateway_request_duration_seconds",
                "dexto_gateway_time_to_first_byte_seconds", "dexto_gateway_upstream_duration_seconds",
                "dexto_gateway_overhead_seconds", "dexto_gateway_active_streams", "dexto_gateway_key_cache_size",
                "dexto_gateway_journal_backlog", "dexto_gateway_journal_available", "dexto_gateway_journal_refusals_total",
                "dexto_gateway_feed_lag_seconds", "dexto_gateway_key_cache_lookups_total", "dexto_gateway_request_cost_usd",
                "dexto_gateway_request_tokens", "dexto_gateway_reservation_overrun_usd_total")) {
            assertTrue(metrics.contains(name), name);
        }
        // the request counter is updated once the answer is written, which may be after the client read it
        Await.until("the answered chat in dexto_gateway_requests_total", () -> f.get(f.gateway.opsUrl() + "/metrics")
                .body().contains("route=\"chat_completions\",status=\"200\""));
    }

    @Test
    void readyIs503UntilTheFirstSnapshot() throws Exception {
        try (Gateway g = Gateway.start(GatewayConfig.builder().port(0).opsPort(0).upstreamUrl(f.sim.openRouterBaseUrl())
                .controlUrl("http://127.0.0.1:1").dataDir(f.dataDir.resolve("other")).startFeed(false).ioThreads(1)
                .build())) {
            assertEquals(503, f.get(g.opsUrl() + "/ready").statusCode());
            g.apply(new ai.dexto.gateway.common.feed.FeedSnapshot(1, GatewayFixture.TIERS, List.of(), List.of()));
            assertEquals(200, f.get(g.opsUrl() + "/ready").statusCode());
        }
    }
}
