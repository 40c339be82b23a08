package ai.dexto.gateway.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.TestInstance;

/** Every simulator fault, a client that leaves, a client that reads slowly. */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamFaultsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    GatewayFixture f;
    String key;

    @BeforeAll
    void start() throws Exception {
        f = GatewayFixture.start(b -> b.upstreamFirstByteTimeout(Duration.ofMillis(800))
                .upstreamChunkTimeout(Duration.ofMillis(800)));
        key = f.addUser("user-faults", Money.ofUsd(10), "unlimited");
    }

    @AfterAll
    void stop() {
        f.close();
    }

    private HttpResponse<String> fault(boolean stream, String spec) throws Exception {
        return f.chat(key, GatewayFixture.body(stream, 20), "X-Sim-Fault", spec);
    }

    private static String code(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").path("code").asText();
    }

    @Test
    void upstreamStatusesMapTo502_503_429() throws Exception {
        HttpResponse<String> r500 = fault(false, "status=500");
        assertEquals(502, r500.statusCode(), r500.body());
        assertEquals(502, fault(true, "status=502").statusCode());
        HttpResponse<String> r503 = fault(false, "status=503");
        assertEquals(503, r503.statusCode());
        HttpResponse<String> r429 = fault(true, "status=429");
        assertEquals(429, r429.statusCode());
        assertEquals("upstream_rate_limited", code(r429));
        assertEquals("1", r429.headers().firstValue("retry-after").orElseThrow());
        assertTrue(r429.headers().firstValue("x-ratelimit-limit-requests").isPresent());
        UsageEvent e = f.awaitEvent(r503.headers().firstValue("x-dexto-request-id").orElseThrow());
        assertEquals(UsageStatus.UPSTREAM_ERROR, e.status);
        assertEquals(0, e.billedCostNanos);
    }

    @Test
    void slowHeadersTimeOutWith504() throws Exception {
        HttpResponse<String> r = fault(false, "delay-headers=3000");
        assertEquals(504, r.statusCode(), r.body());
        assertEquals("upstream_timeout", code(r));
        assertEquals(504, fault(true, "delay-headers=3000").statusCode());
    }

    @Test
    void resetMidStreamEndsWithAnSseErrorAndBillsWhatWasGenerated() throws Exception {
        HttpResponse<String> r = fault(true, "reset-after=3");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("data: {\"error\":{"), r.body());
        assertTrue(!r.body().contains("[DONE]"));
        UsageEvent e = f.awaitEvent(r.headers().firstValue("x-dexto-request-id").orElseThrow());
        assertEquals(UsageStatus.UPSTREAM_ERROR, e.status);
        assertTrue(e.billedCostNanos > 0);
        assertEquals(f.upstreamCharge(e.generationId), e.billedCostNanos, "billed = what the upstream charged");
    }

    @Test
    void resetBeforeAnyAnswerIsRetriedOnceThen502AndNotBilled() throws Exception {
        HttpResponse<String> r = fault(false, "reset-after=0");
        assertEquals(502, r.statusCode(), r.body());
        UsageEvent e = f.awaitEvent(r.headers().firstValue("x-dexto-request-id").orElseThrow());
        assertEquals(UsageStatus.UPSTREAM_ERROR, e.status);
        assertEquals(0, e.billedCostNanos, "the upstream failed before answering and charged nothing");
    }

    @Test
    void slowHeadersAre504ToTheClientButTheLateAnswerIsStillBilledExactly() throws Exception {
        HttpResponse<String> r = fault(false, "delay-headers=1500");
        assertEquals(504, r.statusCode(), r.body());
        UsageEvent e = f.awaitEvent(r.headers().firstValue("x-dexto-request-id").orElseThrow());
        assertEquals(UsageStatus.TIMEOUT, e.status);
        assertTrue(e.billedCostNanos > 0, "the upstream generated it: the bill says so");
        assertEquals(f.upstreamCharge(e.generationId), e.billedCostNanos);
    }

    @Test
    void stallMidStreamTimesOutWithAnSseError() throws Exception {
        HttpResponse<String> r = fault(true, "stall-after=2");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"code\":\"upstream_timeout\""), r.body());
        UsageEvent e = f.awaitEvent(r.headers().firstValue("x-dexto-request-id").orElseThrow());
        assertEquals(UsageStatus.TIMEOUT, e.status);
        assertTrue(e.billedCostNanos > 0);
        assertEquals(f.upstreamCharge(e.generationId), e.billedCostNanos, "billed = what the upstream charged");
        assertEquals(504, fault(false, "stall-after=0").statusCode());
    }

    @Test
    void malformedChunkIsRelayedAsIsAndBilled() throws Exception {
        HttpResponse<String> r = fault(true, "malformed-after=2");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("broken"));
        assertTrue(ChatRelayIT.COST_LINE.matcher(r.body()).find());
        HttpResponse<String> whole = fault(false, "malformed-after=0");
        assertEquals(502, whole.statusCode(), whole.body());
        UsageEvent e = f.awaitEvent(whole.headers().firstValue("x-dexto-request-id").orElseThrow());
        assertTrue(e.billedCostNanos > 0);
        assertEquals(f.upstreamCharge(e.generationId), e.billedCostNanos, "a malformed answer is billed as generated");
    }

    @Test
    void missingUsageIsBilledFromGenerationStats() throws Exception {
        HttpResponse<String> r = fault(false, "no-usage");
        assertEquals(200, r.statusCode(), r.body());
        String cost = r.headers().firstValue("x-dexto-cost-usd").orElseThrow();
        assertTrue(Money.parseUsd(cost) > 0, cost);
        UsageEvent e = f.awaitEvent(r.headers().firstValue("x-dexto-request-id").orElseThrow());
        assertEquals(Money.parseUsd(cost), e.billedCostNanos);

        HttpResponse<String> s = fault(true, "no-usage");
        assertEquals(200, s.statusCode());
        Matcher m = ChatRelayIT.COST_LINE.matcher(s.body());
        assertTrue(m.find(), s.body());
        assertTrue(Money.parseUsd(m.group(1)) > 0);
        UsageEvent es = f.awaitEvent(s.headers().firstValue("x-dexto-request-id").orElseThrow());
        assertEquals(Money.parseUsd(m.group(1)), es.billedCostNanos);
    }

    @Test
    void clientLeavingMidStreamClosesUpstreamAndIsBilled() throws Exception {
        String body = "{\"model\":\"" + GatewayFixture.MODEL + "\",\"stream\":true,\"max_tokens\":400,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"long answer please\"}]}";
        String requestId;
        try (Socket s = new Socket("127.0.0.1", f.gateway.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nX-Sim-Answer-Tokens: 400\r\nX-Sim-Inter-Token-Ms: 20\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            while (seen.indexOf("content") < 0 || count(seen, "data: ") < 5) {
                int n = in.read(buf);
                assertTrue(n > 0);
                seen.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
            int at = seen.indexOf("x-dexto-request-id: ");
            requestId = seen.substring(at + 20, at + 56);
        }
        UsageEvent e = f.awaitEvent(requestId);
        assertEquals(UsageStatus.CLIENT_ABORTED, e.status);
        assertTrue(e.billedCostNanos > 0);
        assertEquals(f.upstreamCharge(e.generationId), e.billedCostNanos, "billed = what the upstream charged");
        assertTrue(e.completionTokens < 400, "the upstream stopped generating: " + e.completionTokens);
        HttpResponse<String> gen = f.get(f.sim.openRouterBaseUrl() + "/generation?id=" + e.generationId,
                "Authorization", "Bearer " + f.upstreamKey);
        JsonNode data = JSON.readTree(gen.body()).path("data");
        assertTrue(data.path("cancelled").asBoolean(), gen.body());
        // the fixture is shared by the class: another test's stream may still be ending
        LifecycleIT.await(() -> f.gateway.metrics().activeStreams() == 0, "no stream left active");
    }

    @Test
    void slowReaderGetsEveryByteThroughBackpressure() throws Exception {
        // The client reads nothing for longer than the upstream chunk timeout: waiting on the client
        // is backpressure, not upstream silence, so the stream must survive and arrive whole.
        String body = "{\"model\":\"" + GatewayFixture.MODEL + "\",\"stream\":true,\"max_tokens\":8000,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"many tokens\"}]}";
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096); // a small window: the gateway's writes back up after a few kilobytes
            s.connect(new java.net.InetSocketAddress("127.0.0.1", f.gateway.port()));
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nX-Sim-Answer-Tokens: 8000\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long chunkLimit = f.gateway.config().upstreamChunkTimeout().toNanos();
            long[] stalledSince = {0};
            Await.until("the gateway's writes to the client to stay backed up for longer than the chunk limit", () -> {
                if (TcpQueues.sendQueue(f.gateway.port(), s.getLocalPort()) <= 0) {
                    stalledSince[0] = 0;
                    return false;
                }
                long now = System.nanoTime();
                if (stalledSince[0] == 0) {
                    stalledSince[0] = now;
                }
                return now - stalledSince[0] > chunkLimit * 3 / 2;
            });
            InputStream in = s.getInputStream();
            StringBuilder tail = new StringBuilder();
            byte[] buf = new byte[8192];
            long total = 0;
            while (tail.indexOf("data: [DONE]") < 0) {
                int n = in.read(buf);
                assertTrue(n > 0, "stream ended early after " + total + " bytes: " + tail);
                total += n;
                tail.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
                if (tail.length() > 16_384) {
                    tail.delete(0, tail.length() - 4096);
                }
            }
            assertTrue(ChatRelayIT.COST_LINE.matcher(tail).find(), tail.toString());
            assertTrue(total > 8000L * 150, "every token arrived: " + total + " bytes");
        }
    }

    @Test
    void simulatorHeadersStayHomeUnlessForwardingIsOn() throws Exception {
        try (GatewayFixture g = GatewayFixture.start(b -> b.forwardSimHeaders = false)) {
            String k = g.addUser("user-no-sim-headers", Money.ofUsd(1), "unlimited");
            HttpResponse<String> r = g.chat(k, GatewayFixture.body(false, 5), "X-Sim-Fault", "status=500");
            assertEquals(200, r.statusCode(), "the fault header never reached the simulator: " + r.body());
        }
        assertEquals(502, f.chat(key, GatewayFixture.body(false, 5), "X-Sim-Fault", "status=500").statusCode(),
                "with forwarding on (the fixture's default) the same header does reach it");
    }

    @Test
    void openCircuitFailsFastThenRecovers() throws Exception {
        try (GatewayFixture g = GatewayFixture.start(b -> b.breaker(2, 1, Duration.ofSeconds(1)))) {
            String k = g.addUser("user-breaker", Money.ofUsd(1), "unlimited");
            assertEquals(502, g.chat(k, GatewayFixture.body(false, 5), "X-Sim-Fault", "status=500").statusCode());
            assertEquals(502, g.chat(k, GatewayFixture.body(false, 5), "X-Sim-Fault", "status=500").statusCode());
            HttpResponse<String> open = g.chat(k, GatewayFixture.body(false, 5));
            assertEquals(503, open.statusCode(), open.body());
            assertTrue(g.gateway.circuitOpen());
            Await.until("the half-open probe to succeed once the open period is over", () -> {
                HttpResponse<String> r = g.chat(k, GatewayFixture.body(false, 5));
                assertTrue(r.statusCode() == 200 || r.statusCode() == 503, r.body());
                return r.statusCode() == 200;
            });
            assertTrue(!g.gateway.circuitOpen(), "the probe's success closed it");
            assertEquals(200, g.chat(k, GatewayFixture.body(false, 5)).statusCode());
        }
    }

    private static int count(CharSequence s, String needle) {
        int n = 0;
        for (int i = s.toString().indexOf(needle); i >= 0; i = s.toString().indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
