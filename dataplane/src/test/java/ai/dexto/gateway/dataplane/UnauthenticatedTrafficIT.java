package ai.dexto.gateway.dataplane;

import static ai.dexto.gateway.dataplane.AuthBeforeBodyIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.common.feed.FeedKey;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.KeyLookup;
import ai.dexto.gateway.common.money.Money;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Traffic without a valid key gets a small budget of its own, per client address (issue 12, item 1):
 * refused keys and cache misses take tokens from the address's bucket ({@code DEXTO_UNAUTHENTICATED_PER_MINUTE}),
 * key validation has its own per-address bucket, and cache misses ask the control plane once per key
 * and only so many at a time. Each test speaks from its own loopback address, so each is its own client.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnauthenticatedTrafficIT {
    static final int UNAUTHENTICATED_BURST = 20; // 40 a minute: the bucket holds half a minute's worth
    static final int VALIDATIONS_BURST = 5;      // 10 a minute
    static final int LOOKUPS_IN_FLIGHT = 4;
    final SecureRandom random = new SecureRandom();
    StubControlPlane cp;
    GatewayFixture f;

    @BeforeAll
    void start() throws Exception {
        cp = new StubControlPlane(new FeedSnapshot(1, GatewayFixture.TIERS, List.of(), List.of()));
        f = GatewayFixture.start(b -> {
            b.controlUrl(cp.url());
            b.unauthenticatedPerMinute = 2 * UNAUTHENTICATED_BURST;
            b.validationsPerMinute = 2 * VALIDATIONS_BURST;
            b.maxKeyLookupsInFlight = LOOKUPS_IN_FLIGHT;
        });
    }

    @AfterAll
    void stop() {
        f.close();
        cp.close();
    }

    static String validate(String key) {
        return "GET /keys/validate HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + key + "\r\n\r\n";
    }

    /** Sends {@code keys.size()} chats on one connection; the statuses in order. */
    private List<RawClient.Response> flood(RawClient c, List<String> keys) throws Exception {
        List<RawClient.Response> answers = new ArrayList<>();
        for (String k : keys) {
            c.send(RawClient.chat(k, GatewayFixture.body(false, 5)));
            answers.add(c.read());
        }
        return answers;
    }

    private void assertFloodStopped(List<RawClient.Response> answers, int tokensEach) throws Exception {
        int refused = 0;
        int limited = 0;
        for (RawClient.Response r : answers) {
            if (r.status() == 401) {
                assertTrue(limited == 0 || refused <= UNAUTHENTICATED_BURST, "a 401 after the bucket ran dry: " + r.body());
                refused++;
            } else {
                assertError(r, 429, "rate_limit_exceeded");
                assertTrue(Integer.parseInt(r.header("retry-after")) >= 1);
                limited++;
            }
        }
        int allowed = UNAUTHENTICATED_BURST / tokensEach;
        assertTrue(refused >= allowed - 1 && refused <= allowed + 1, refused + " answered before the limit (" + allowed + ")");
        assertEquals(answers.size(), refused + limited);
        assertEquals(429, answers.get(answers.size() - 1).status(), "the flood ends refused");
    }

    private void assertServed(String from, String key) throws Exception {
        try (RawClient c = RawClient.connect(from, f.gateway.port(), 0)) {
            c.send(RawClient.chat(key, GatewayFixture.body(false, 5)));
            RawClient.Response r = c.read();
            assertEquals(200, r.status(), "an authenticated user on the flooding address is served: " + r.body());
        }
    }

    @Test
    void badKeysFromOneAddressAre429WhileAPayingUserThereIsServed() throws Exception {
        String user = "user-flood-bad";
        String key = f.addUser(user, Money.ofUsd(5), "unlimited");
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            bad.add(i % 2 == 0 ? "dxt_not-a-key-" + i : null);
        }
        try (RawClient c = RawClient.connect("127.0.0.21", f.gateway.port(), 0)) {
            assertFloodStopped(flood(c, bad), 1);
        }
        assertServed("127.0.0.21", key);
        f.assertBilledExactly(user, Money.ofUsd(5));
    }

    @Test
    void madeUpWellFormedKeysStopAskingTheControlPlaneOnceTheAddressIsOutOfTokens() throws Exception {
        String user = "user-flood-made-up";
        String key = f.addUser(user, Money.ofUsd(5), "unlimited");
        List<String> madeUp = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            madeUp.add(ApiKeys.generate(random)); // each misses the cache: a lookup would cost the control plane
        }
        int asked = cp.lookupCalls.get();
        try (RawClient c = RawClient.connect("127.0.0.22", f.gateway.port(), 0)) {
            assertFloodStopped(flood(c, madeUp), 2); // the miss and the unknown answer take a token each
        }
        int lookups = cp.lookupCalls.get() - asked;
        assertTrue(lookups <= UNAUTHENTICATED_BURST / 2 + 1, lookups + " control-plane lookups for a flood of 30");
        assertServed("127.0.0.22", key);
        f.assertBilledExactly(user, Money.ofUsd(5));
    }

    @Test
    void keyValidationIsLimitedPerAddress() throws Exception {
        String key = f.addUser("user-validate", Money.ofUsd(1), "unlimited");
        try (RawClient c = RawClient.connect("127.0.0.23", f.gateway.port(), 0)) {
            for (int i = 0; i < VALIDATIONS_BURST; i++) {
                RawClient.Response r = c.send(validate(key)).read();
                assertEquals(200, r.status(), r.body());
                assertEquals("{\"valid\":true}", r.body());
            }
            RawClient.Response limited = c.send(validate(key)).read();
            assertError(limited, 429, "rate_limit_exceeded");
            assertTrue(Integer.parseInt(limited.header("retry-after")) >= 1);
        }
        try (RawClient other = RawClient.connect("127.0.0.24", f.gateway.port(), 0)) {
            assertEquals("{\"valid\":true}", other.send(validate(key)).read().body(), "another address has its own bucket");
        }
    }

    @Test
    void concurrentMissesOfOneKeyAskTheControlPlaneOnce() throws Exception {
        String user = "user-coalesced";
        String key = ApiKeys.generate(random);
        cp.lookups.put(ApiKeys.hashHex(key), new KeyLookup(new FeedKey(ApiKeys.hashHex(key), 7, user, FeedKey.ACTIVE),
                f.user(user, Money.ofUsd(5), "unlimited")));
        int n = 10;
        double missesBefore = f.counter("dexto_gateway_key_cache_lookups_total{result=\"miss\"}");
        int asked = cp.lookupCalls.get();
        CountDownLatch hold = new CountDownLatch(1);
        cp.holdLookups = hold;
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                clients.add(RawClient.connect("127.0.0.26", f.gateway.port(), 0)
                        .send(RawClient.chat(key, GatewayFixture.body(false, 5))));
            }
            Await.until("all " + n + " requests missing the cache, and the control plane asked",
                    () -> f.counter("dexto_gateway_key_cache_lookups_total{result=\"miss\"}") >= missesBefore + n
                            && cp.lookupCalls.get() > asked);
            assertEquals(1, cp.lookupCalls.get() - asked, "one question to the control plane for " + n + " misses");
            assertEquals(1.0, f.metric("dexto_gateway_key_lookups_in_flight"));
            hold.countDown();
            for (RawClient c : clients) {
                RawClient.Response r = c.read();
                assertEquals(200, r.status(), r.body());
            }
        } finally {
            cp.holdLookups = null;
            hold.countDown();
            for (RawClient c : clients) {
                c.close();
            }
        }
        assertEquals(1, cp.lookupCalls.get() - asked, "the answer is cached: no later lookup either");
        List<ai.dexto.gateway.common.usage.UsageEvent> billed = f.assertBilledExactly(user, Money.ofUsd(5));
        assertEquals(n, billed.size());
    }

    @Test
    void missesAreBoundedInFlightAndPastTheBoundAnsweredAtOnce() throws Exception {
        int asked = cp.lookupCalls.get();
        CountDownLatch hold = new CountDownLatch(1);
        cp.holdLookups = hold;
        List<RawClient> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < LOOKUPS_IN_FLIGHT; i++) {
                waiting.add(RawClient.connect("127.0.0.27", f.gateway.port(), 0)
                        .send(RawClient.chat(ApiKeys.generate(random), GatewayFixture.body(false, 5))));
                int expected = i + 1;
                Await.until(expected + " lookups in flight", () -> f.metric("dexto_gateway_key_lookups_in_flight") == expected
                        && cp.lookupCalls.get() - asked >= expected);
            }
            assertEquals(LOOKUPS_IN_FLIGHT, f.metric("dexto_gateway_key_lookups_in_flight"));
            for (int i = 0; i < 2; i++) {
                try (RawClient past = RawClient.connect("127.0.0.27", f.gateway.port(), 0)) {
                    RawClient.Response r = past.send(RawClient.chat(ApiKeys.generate(random), GatewayFixture.body(false, 5)))
                            .read(); // answered while the others are still held: nobody waits past the bound
                    assertError(r, 503, "auth_unavailable");
                }
            }
            assertEquals(LOOKUPS_IN_FLIGHT, cp.lookupCalls.get() - asked, "no lookup past the bound");
            hold.countDown();
            for (RawClient c : waiting) {
                assertError(c.read(), 401, "invalid_api_key");
            }
        } finally {
            cp.holdLookups = null;
            hold.countDown();
            for (RawClient c : waiting) {
                c.close();
            }
        }
        Await.until("no lookup left in flight", () -> f.metric("dexto_gateway_key_lookups_in_flight") == 0.0);
    }
}
