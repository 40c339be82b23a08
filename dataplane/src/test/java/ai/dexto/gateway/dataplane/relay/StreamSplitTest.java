package ai.dexto.gateway.dataplane.relay;

import static ai.dexto.gateway.dataplane.relay.EmbeddedGateway.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageStatus;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A streamed answer through the real client pipeline and a real upstream pipeline, both embedded:
 * however the upstream's bytes are cut into reads — at every byte boundary, one byte per read — the
 * client gets every upstream byte unchanged, with our cost and credits comment lines inserted right
 * before {@code data: [DONE]}, and the request is billed the exact cost once.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamSplitTest {
    static final String GENERATION = "gen-split-1";
    static final String SSE = ": OPENROUTER PROCESSING\n\n"
            + "data: {\"id\":\"" + GENERATION + "\",\"choices\":[{\"delta\":{\"content\":\"Hi \\\"usage\\\":{\"}}]}\n\n"
            + "data: {\"id\":\"" + GENERATION + "\",\"choices\":[{\"delta\":{\"content\":\" there\"}}]}\r\n\r\n"
            + "data: {\"id\":\"" + GENERATION + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,"
            + "\"total_tokens\":14,\"cost\":0.0000126,\"cost_details\":{\"upstream_inference_cost\":null}}}\n\n"
            + "data: [DONE]\n\n";
    static final long COST = Money.parseUsd("0.0000126");
    static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-Generation-Id: " + GENERATION
            + "\r\nTransfer-Encoding: chunked\r\n\r\n";

    EmbeddedGateway gw;
    String key;
    /** One kept-alive upstream connection serves every request of a test, as the pool keeps it. */
    EmbeddedGateway.Upstream up;

    @BeforeAll
    void start() throws Exception {
        gw = EmbeddedGateway.start(s -> { });
        key = gw.addUser("user-split", Money.ofUsd(100));
    }

    @AfterAll
    void stop() throws Exception {
        gw.close();
    }

    /** The upstream's whole response: the SSE body in two chunks, so chunk framing is cut too. */
    static String upstreamResponse() {
        int half = SSE.length() / 2;
        return HEAD + Integer.toHexString(half) + "\r\n" + SSE.substring(0, half) + "\r\n"
                + Integer.toHexString(SSE.length() - half) + "\r\n" + SSE.substring(half) + "\r\n0\r\n\r\n";
    }

    @Test
    void doneAndTheUsageEventCutAtEveryByteBoundaryStillCarryTheExactCost() throws Exception {
        String wire = upstreamResponse();
        up = gw.pooledUpstream(); // the pool is the calling thread's, the one the exchanges start on
        int body = HEAD.length();
        for (int cut = body; cut < wire.length(); cut++) {
            relayInReads(new String[] {wire.substring(0, cut), wire.substring(cut)}, "cut at " + cut);
        }
    }

    @Test
    void oneByteAtATimeIsRelayedWhole() throws Exception {
        String wire = upstreamResponse();
        up = gw.pooledUpstream();
        String[] reads = new String[wire.length()];
        for (int i = 0; i < reads.length; i++) {
            reads[i] = wire.substring(i, i + 1);
        }
        String requestId = relayInReads(reads, "byte by byte");
        UsageEvent e = gw.onlyFinalEvent(requestId);
        assertEquals(UsageStatus.COMPLETED, e.status);
        assertEquals(COST, e.billedCostNanos);
        assertEquals(COST, e.upstreamCostNanos);
        assertFalse(e.costPending);
        assertEquals(12, e.promptTokens);
        assertEquals(2, e.completionTokens);
        assertEquals(GENERATION, e.generationId.toString());
        assertEquals(200, e.httpStatus);
    }

    /** One streamed request whose upstream answer arrives in these reads; the request id. */
    private String relayInReads(String[] reads, String what) throws Exception {
        long before = gw.account("user-split").spendable();
        EmbeddedChannel client = gw.connect();
        client.writeInbound(EmbeddedGateway.chatRequest(key, true));
        String sent = EmbeddedGateway.sent(up);
        assertTrue(sent.startsWith("POST /api/v1/chat/completions HTTP/1.1\r\n"), what + ": " + sent);
        assertTrue(sent.contains("authorization: Bearer " + EmbeddedGateway.UPSTREAM_KEY), sent);
        assertTrue(sent.contains("\"usage\":{\"include\":true}"), sent);
        for (String r : reads) {
            up.channel().writeInbound(ascii(r));
        }
        ClientView.Response answer = new ClientView().drain(client).response();
        assertTrue(answer != null && answer.complete(), what + ": " + answer);
        assertEquals(200, answer.status(), what);
        assertEquals(Money.format(before), answer.header("x-dexto-credits-remaining"), what);
        int done = SSE.indexOf("data: [DONE]");
        String comment = ": x-dexto-cost-usd=" + Money.format(COST) + "\n: x-dexto-credits-remaining="
                + Money.format(before - COST) + "\n\n";
        assertEquals(SSE.substring(0, done) + comment + SSE.substring(done), answer.body(),
                what + ": every upstream byte, and our lines right before [DONE]");
        String requestId = answer.header("x-dexto-request-id");
        assertEquals(before - COST, gw.account("user-split").spendable(), what + ": the reservation released, the cost kept");
        assertEquals(0, gw.registry.open(), what);
        assertEquals(0, gw.metrics.activeStreams(), what);
        assertTrue(up.channel().isOpen(), what + ": a kept-alive upstream connection goes back to the pool");
        client.close();
        assertEquals(0, gw.bodies.held(), what + ": the body budget is given back");
        assertEquals(0, gw.gate.open(), what);
        return requestId;
    }
}
