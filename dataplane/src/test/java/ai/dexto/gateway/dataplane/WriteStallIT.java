package ai.dexto.gateway.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageStatus;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A client that stops reading its stream holds nothing for long (issue 12, item 2): once the gateway
 * has been unable to write to it for the write-stall limit (500 ms here), the stream is cut, the
 * upstream call cancelled, and the request billed exactly what the upstream's own record says it
 * generated, as {@code CLIENT_ABORTED}. (Before the gateway can notice, the kernel takes up to its
 * send buffer's size, 4 MiB by default on Linux, so the answers here are megabytes long.)
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteStallIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int TOKENS = 40_000;
    GatewayFixture f;

    @BeforeAll
    void start() throws Exception {
        f = GatewayFixture.start(b -> b.writeStallTimeout = Duration.ofMillis(500));
    }

    @AfterAll
    void stop() {
        f.close();
    }

    /**
     * The upstream still generating when the client stops (it sends 30,000 tokens, then nothing, as
     * a slow generation would; the cut cancels it), or done already (all 40,000 sent at once).
     */
    @ParameterizedTest(name = "upstream fault \"{0}\"")
    @ValueSource(strings = {"stall-after=30000", ""})
    void aClientThatStopsReadingIsCutAndBilledTheUpstreamsRecord(String fault) throws Exception {
        boolean stillGenerating = !fault.isEmpty();
        String user = "user-stall-" + (stillGenerating ? "generating" : "done");
        String key = f.addUser(user, Money.ofUsd(10), "unlimited");
        String body = "{\"model\":\"" + GatewayFixture.MODEL + "\",\"stream\":true,\"max_tokens\":" + TOKENS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"a long answer, never read\"}]}";
        try (RawClient c = RawClient.connect("127.0.0.1", f.gateway.port(), 4096)) {
            c.send(RawClient.chat(key, body, "X-Sim-Answer-Tokens: " + TOKENS, "X-Sim-Fault: " + fault));
            RawClient.Response head = c.readHeadOnly();
            assertEquals(200, head.status());
            String requestId = head.header("x-dexto-request-id");
            // the client reads no more (megabytes wait in the kernel's buffers): the gateway must give up on it
            UsageEvent e = f.awaitEvent(requestId);
            assertEquals(UsageStatus.CLIENT_ABORTED, e.status);
            assertTrue(TcpQueues.sendQueue(f.gateway.port(), c.localPort()) > 0, "the client's stall was real");
            assertTrue(e.billedCostNanos > 0, "it generated something before the cut");
            assertEquals(f.upstreamCharge(e.generationId), e.billedCostNanos, "billed = what the upstream charged");
            String generation = f.get(f.sim.openRouterBaseUrl() + "/generation?id=" + e.generationId,
                    "Authorization", "Bearer " + f.upstreamKey).body();
            assertEquals(stillGenerating, JSON.readTree(generation).path("data").path("cancelled").asBoolean(),
                    "the upstream call was cancelled if it was still running: " + generation);
            assertEquals(stillGenerating ? 30_000 : TOKENS, e.completionTokens);
            Await.until("the stalled client's connection closed by the gateway",
                    () -> f.metric("dexto_gateway_connections") == 0.0);
        }
        f.assertBilledExactly(user, Money.ofUsd(10));
        assertEquals(0, f.gateway.metrics().activeStreams());
    }
}
