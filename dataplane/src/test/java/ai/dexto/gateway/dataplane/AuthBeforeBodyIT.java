package ai.dexto.gateway.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.money.Money;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing of a request's body is read or held before its caller is known (issue 12, items 1 and 2):
 * a refused key is answered from the headers alone, {@code Expect: 100-continue} invites a body only
 * from an accepted caller, and all bodies held at once stay within the node's body-memory budget
 * ({@code dexto_gateway_body_memory_bytes}, watched over the ops port). Real sockets, the simulator
 * as upstream, the control plane's stub answering key lookups.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthBeforeBodyIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String GAUGE = "dexto_gateway_body_memory_bytes";
    static final int BUDGET = 256 * 1024;
    StubControlPlane cp;
    GatewayFixture f;
    String key;

    @BeforeAll
    void start() throws Exception {
        cp = new StubControlPlane(new FeedSnapshot(1, GatewayFixture.TIERS, List.of(), List.of()));
        f = GatewayFixture.start(b -> {
            b.controlUrl(cp.url());
            b.bodyMemoryBytes = BUDGET;
        });
        key = f.addUser("user-body", Money.ofUsd(10), "unlimited");
    }

    @AfterAll
    void stop() {
        f.close();
        cp.close();
    }

    static void assertError(RawClient.Response r, int status, String code) throws Exception {
        assertEquals(status, r.status(), r.body());
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertEquals(code, error.path("code").asText(), r.body());
        assertTrue(error.path("message").isTextual() && error.path("type").isTextual(), r.body());
    }

    /** A chat body of exactly {@code bytes} bytes (a long prompt). */
    static String chatBodyOf(int bytes) {
        String prefix = "{\"model\":\"" + GatewayFixture.MODEL + "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"";
        String suffix = "\"}]}";
        return prefix + "a".repeat(bytes - prefix.length() - suffix.length()) + suffix;
    }

    static byte[] filler(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'a');
        return b;
    }

    @Test
    void aRefusedCallerIsAnswered401FromItsHeadersAndNothingOfItsBodyIsHeld() throws Exception {
        String unknown = ApiKeys.generate(new SecureRandom()); // well-formed: the stub says it does not exist
        String[] keys = {null, "dxt_notakey", unknown};
        for (String k : keys) {
            try (RawClient c = RawClient.connect(f.gateway.port())) {
                c.send(RawClient.chatHead(k, 3 << 20)).send(filler(16 * 1024));
                RawClient.Response r = c.read(); // after 16 KiB of a 3 MiB body: the answer did not wait for it
                assertError(r, 401, "invalid_api_key");
                for (int sent = 16 * 1024; sent < 900 * 1024; sent += 64 * 1024) {
                    c.send(filler(64 * 1024)); // the rest comes slowly: the gateway drops it as it comes
                    assertEquals(0.0, f.metric(GAUGE), "no body memory for a caller without a valid key (" + k + ")");
                }
            }
        }
        // the gauge does measure: an accepted caller's half-sent body holds its declared size
        try (RawClient c = RawClient.connect(f.gateway.port())) {
            c.send(RawClient.chatHead(key, 200 * 1024)).send(filler(16 * 1024));
            Await.until("the accepted body to be budgeted", () -> f.metric(GAUGE) == 200 * 1024);
        }
        Await.until("the budget given back when the client left", () -> f.metric(GAUGE) == 0.0);
        assertEquals(Money.ofUsd(10), f.gateway.account("user-body").spendable(), "nothing reserved, nothing billed");
    }

    @Test
    void expectContinueInvitesTheBodyOnlyFromAnAcceptedCaller() throws Exception {
        String body = GatewayFixture.body(false, 5);
        String k100 = f.addUser("user-continue", Money.ofUsd(10), "unlimited");
        try (RawClient c = RawClient.connect(f.gateway.port())) {
            c.send(RawClient.chatHead(k100, body.length(), "Expect: 100-continue"));
            assertEquals(100, c.read().status(), "an accepted caller is asked for its body");
            c.send(body);
            RawClient.Response r = c.read();
            assertEquals(200, r.status(), r.body());
        }
        for (String k : new String[] {null, "dxt_notakey", ApiKeys.generate(new SecureRandom())}) {
            try (RawClient c = RawClient.connect(f.gateway.port())) {
                c.send(RawClient.chatHead(k, body.length(), "Expect: 100-continue"));
                RawClient.Response r = c.read(); // no body sent: the refusal comes without it
                assertError(r, 401, "invalid_api_key");
                assertEquals("close", r.header("connection"), "the body it never sent cannot frame a next request");
                assertTrue(c.closedByPeerWithin(Duration.ofSeconds(5)), "the connection is closed after the refusal");
            }
        }
        f.assertBilledExactly("user-continue", Money.ofUsd(10));
    }

    @Test
    void bodiesPastTheMemoryBudgetAre503AndNoneIsHeldPastIt() throws Exception {
        String user = "user-budget";
        String k = f.addUser(user, Money.ofUsd(10), "unlimited");
        int size = 150 * 1024;
        String big = chatBodyOf(size);
        try (RawClient first = RawClient.connect(f.gateway.port());
             RawClient second = RawClient.connect(f.gateway.port());
             RawClient chunked = RawClient.connect(f.gateway.port())) {
            first.send(RawClient.chatHead(k, size));
            Await.until("the first body budgeted by its Content-Length", () -> f.metric(GAUGE) == size);

            second.send(RawClient.chatHead(k, size)); // 150 + 150 KiB > 256 KiB: refused before a byte is read
            assertError(second.read(), 503, "server_busy");
            assertEquals(size, f.metric(GAUGE));

            // a chunked body has no declared size: it takes budget as it grows, and is refused when it would overflow
            chunked.send("POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + k
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            RawClient.Response refused = null;
            for (int i = 0; i < 8 && refused == null; i++) {
                chunked.send(Integer.toHexString(32 * 1024) + "\r\n" + "a".repeat(32 * 1024) + "\r\n");
                double held = f.metric(GAUGE);
                assertTrue(held <= BUDGET, "held " + held + " of " + BUDGET);
                if (i == 3) {
                    refused = chunked.read(); // 150 + 4 × 32 KiB > 256 KiB
                }
            }
            assertError(refused, 503, "server_busy");
            Await.until("the refused chunked body's budget given back", () -> f.metric(GAUGE) == size);

            first.send(big);
            RawClient.Response ok = first.read();
            assertEquals(200, ok.status(), ok.body());
        }
        Await.until("every body's budget given back", () -> f.metric(GAUGE) == 0.0);
        f.assertBilledExactly(user, Money.ofUsd(10));
    }
}
