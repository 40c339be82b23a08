package ai.dexto.gateway.dataplane;

import static ai.dexto.gateway.dataplane.AuthBeforeBodyIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What one client can hold of a node (issue 12, item 2): connections per address, and the time a
 * connection may take before its first byte, to send its headers, to send its body, and between
 * requests; the ops port is loopback only and capped too. The fixture's limits are small (300 ms
 * for a new connection, 500 ms for headers and for a body, 700 ms idle), so each test waits for the
 * gateway's own close and checks it did not come before the limit.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionLimitsIT {
    static final Duration NEW_CONNECTION = Duration.ofMillis(300);
    static final Duration HEADERS = Duration.ofMillis(500);
    static final Duration BODY = Duration.ofMillis(500);
    static final Duration IDLE = Duration.ofMillis(700);
    /** Timers may fire a little early against this clock (scheduler granularity); never by more. */
    static final long SLACK_MILLIS = 50;
    GatewayFixture f;

    @BeforeAll
    void start() throws Exception {
        f = GatewayFixture.start(b -> {
            b.newConnectionTimeout = NEW_CONNECTION;
            b.headerTimeout = HEADERS;
            b.bodyTimeout = BODY;
            b.idleTimeout = IDLE;
        });
    }

    @AfterAll
    void stop() {
        f.close();
    }

    /** {@code startedNanos} is read before the step that starts the gateway's timer, so a late test thread cannot shorten it. */
    private static void assertNotBefore(Duration limit, long startedNanos) {
        long took = (System.nanoTime() - startedNanos) / 1_000_000;
        assertTrue(took >= limit.toMillis() - SLACK_MILLIS, "closed after " + took + " ms, before the " + limit.toMillis() + " ms limit");
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheNewConnectionLimit() throws Exception {
        long t0 = System.nanoTime();
        try (RawClient c = RawClient.connect("127.0.0.31", f.gateway.port(), 0)) {
            assertTrue(c.closedByPeerWithin(Duration.ofSeconds(5)), "a silent connection is closed, without an answer");
            assertNotBefore(NEW_CONNECTION, t0);
        }
    }

    @Test
    void headersNotCompleteInTimeAre408AndTheConnectionCloses() throws Exception {
        long t0 = System.nanoTime();
        try (RawClient c = RawClient.connect("127.0.0.31", f.gateway.port(), 0)) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nContent-Ty");
            assertError(c.read(), 408, "request_timeout");
            assertNotBefore(HEADERS, t0);
            assertTrue(c.closedByPeerWithin(Duration.ofSeconds(5)));
        }
    }

    @Test
    void aBodyNotCompleteInTimeIs408AndGivesBackItsBudget() throws Exception {
        String key = f.addUser("user-slow-body", Money.ofUsd(1), "unlimited");
        try (RawClient c = RawClient.connect("127.0.0.31", f.gateway.port(), 0)) {
            c.send(RawClient.chatHead(key, 100));
            long t0 = System.nanoTime();
            c.send("{\"model\":");
            assertError(c.read(), 408, "request_timeout");
            assertNotBefore(BODY, t0);
            assertTrue(c.closedByPeerWithin(Duration.ofSeconds(5)));
        }
        Await.until("the body budget given back", () -> f.metric("dexto_gateway_body_memory_bytes") == 0.0);
        f.assertBilledExactly("user-slow-body", Money.ofUsd(1));
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleLimit() throws Exception {
        try (RawClient c = RawClient.connect("127.0.0.31", f.gateway.port(), 0)) {
            long t0 = System.nanoTime();
            c.send("GET /v1/models HTTP/1.1\r\nHost: gateway\r\n\r\n");
            assertEquals(200, c.read().status());
            assertTrue(c.closedByPeerWithin(Duration.ofSeconds(5)), "an idle kept-alive connection is closed");
            assertNotBefore(IDLE, t0); // longer than a new connection may stay silent: this is the idle limit
        }
    }

    @Test
    void oneAddressAtItsConnectionCapIsRefusedWhileAnotherConnects() throws Exception {
        try (GatewayFixture g = GatewayFixture.start(b -> {
            b.maxConnectionsPerAddress = 3;
            b.opsBindHost = "0.0.0.0"; // see opsPortListensOnLoopbackOnly: the same check, the other way round
        })) {
            List<RawClient> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    held.add(RawClient.connect("127.0.0.32", g.gateway.port(), 0));
                }
                Await.until("three connections counted", () -> g.metric("dexto_gateway_connections") == 3.0);
                try (RawClient fourth = RawClient.connect("127.0.0.32", g.gateway.port(), 0)) {
                    assertError(fourth.read(), 503, "too_many_connections");
                    assertTrue(fourth.closedByPeerWithin(Duration.ofSeconds(5)));
                }
                try (RawClient other = RawClient.connect("127.0.0.33", g.gateway.port(), 0)) {
                    assertEquals(200, other.send("GET /v1/models HTTP/1.1\r\nHost: gateway\r\n\r\n").read().status(),
                            "another address is served while the first is at its cap");
                    assertEquals(2.0, g.metric("dexto_gateway_connection_addresses"));
                }
                held.remove(0).close();
                Await.until("the closed connection uncounted", () -> g.metric("dexto_gateway_connections") == 2.0);
                try (RawClient again = RawClient.connect("127.0.0.32", g.gateway.port(), 0)) {
                    assertEquals(200, again.send("GET /v1/models HTTP/1.1\r\nHost: gateway\r\n\r\n").read().status(),
                            "below its cap again, the address is served");
                }
            } finally {
                for (RawClient c : held) {
                    c.close();
                }
            }
            // bound to every interface, the ops port answers on any loopback address
            try (RawClient c = RawClient.connectTo("127.0.0.2", g.gateway.opsPort())) {
                assertEquals(200, c.send("GET /health HTTP/1.1\r\nHost: ops\r\n\r\n").read().status());
            }
        }
    }

    @Test
    void opsPortListensOnLoopbackOnlyAndCapsItsConnections() throws Exception {
        assertEquals("127.0.0.1", GatewayConfig.fromEnv(Map.of()).opsBindHost(), "loopback unless DEXTO_GATEWAY_OPS_BIND says otherwise");
        assertEquals("0.0.0.0", GatewayConfig.fromEnv(Map.of("DEXTO_GATEWAY_OPS_BIND", "0.0.0.0")).opsBindHost());
        assertEquals("127.0.0.1", f.gateway.config().opsBindHost());
        assertThrows(ConnectException.class, () -> RawClient.connectTo("127.0.0.2", f.gateway.opsPort()).close(),
                "not reachable at any address but 127.0.0.1");
        List<RawClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                held.add(RawClient.connect("127.0.0.35", f.gateway.opsPort(), 0));
            }
            try (RawClient ninth = RawClient.connect("127.0.0.35", f.gateway.opsPort(), 0)) {
                assertError(ninth.read(), 503, "too_many_connections");
            }
        } finally {
            for (RawClient c : held) {
                c.close();
            }
        }
    }
}
