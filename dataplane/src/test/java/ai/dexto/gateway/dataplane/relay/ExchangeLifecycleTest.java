package ai.dexto.gateway.dataplane.relay;

import static ai.dexto.gateway.dataplane.relay.EmbeddedGateway.ascii;
import static ai.dexto.gateway.dataplane.relay.EmbeddedGateway.hangUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageStatus;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ChatExchange}'s states driven through the real client and upstream pipelines, embedded:
 * the client leaving in every state settles the request exactly once, with the right status and
 * bill, and gives back its reservation, body budget and upstream connection; a client that cannot
 * take more stops upstream reads until it can; every timeout fires on the loop's clock, advanced
 * by the test (first byte 30 s, chunk 20 s, write stall 10 s, orphan 60 s).
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExchangeLifecycleTest {
    static final String END = "0\r\n\r\n";
    static final String DONE = "data: [DONE]\n\n";
    /** What the canned generation record says each generation cost (the answers' usage says 0.0000126). */
    static final long LOOKED_UP = Money.parseUsd("0.00002");
    static final long IN_ANSWER = Money.parseUsd("0.0000126");

    EmbeddedGateway gw;

    @BeforeAll
    void start() throws Exception {
        gw = EmbeddedGateway.start(s -> { });
    }

    @AfterAll
    void stop() throws Exception {
        gw.close();
    }

    /** One request on its own client connection, its own user and its own pooled upstream connection. */
    final class Call {
        final String gen;
        final String user;
        final long before;
        final EmbeddedChannel client;
        final EmbeddedGateway.Upstream up;
        final ChatExchange exchange;
        final ClientView view = new ClientView();

        Call(boolean stream, String gen) throws Exception {
            this.gen = gen;
            this.user = "user-" + gen;
            String key = gw.addUser(user, Money.ofUsd(5));
            gw.generations.cost(gen, "0.00002");
            before = gw.account(user).spendable();
            client = gw.connect();
            up = gw.pooledUpstream();
            client.writeInbound(EmbeddedGateway.chatRequest(key, stream));
            String sent = EmbeddedGateway.sent(up);
            assertTrue(sent.startsWith("POST /api/v1/chat/completions HTTP/1.1\r\n"), sent);
            exchange = EmbeddedGateway.exchangeOf(client);
            assertEquals(ExchangeState.AWAITING_HEAD, exchange.state());
        }

        void upstreamSends(String bytes) {
            gw.act(client, () -> up.channel().writeInbound(ascii(bytes)));
        }

        void upstreamHangsUp() {
            gw.act(client, () -> hangUp(up.channel()));
        }

        void clientHangsUp() {
            gw.act(client, () -> client.pipeline().close());
        }

        void advance(int seconds) {
            gw.advanceSeconds(client, seconds);
        }

        void writable(boolean writable) {
            gw.act(client, () -> client.unsafe().outboundBuffer().setUserDefinedWritability(1, writable));
        }

        ClientView.Response answer() {
            return view.drain(client).response();
        }

        String streamHead() {
            return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-Generation-Id: " + gen
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n";
        }

        String token() {
            return chunk("data: {\"id\":\"" + gen + "\",\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n");
        }

        String usage() {
            return chunk("data: {\"id\":\"" + gen + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,"
                    + "\"completion_tokens\":2,\"cost\":0.0000126}}\n\n");
        }

        String whole() {
            String body = "{\"id\":\"" + gen + "\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"hi\"}}],"
                    + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"cost\":0.0000126}}";
            return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Generation-Id: " + gen + "\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body;
        }

        /**
         * The request settled once, as {@code status} with {@code httpStatus}, billed {@code billed}
         * (or, when negative, pending at its reservation), and holds nothing any more.
         */
        UsageEvent settledOnce(UsageStatus status, int httpStatus, long billed) throws Exception {
            gw.runTasks();
            assertEquals(ExchangeState.DONE, exchange.state());
            UsageEvent e = gw.onlyFinalEvent(exchange.requestId());
            assertEquals(status, e.status);
            assertEquals(httpStatus, e.httpStatus);
            long expected = billed >= 0 ? billed : e.reservedNanos;
            assertEquals(expected, e.billedCostNanos);
            assertEquals(billed < 0, e.costPending);
            assertEquals(before - expected, gw.account(user).spendable(), "the reservation is released, the bill kept");
            assertEquals(0, gw.registry.open());
            assertEquals(0, gw.metrics.activeStreams());
            if (client.isOpen()) {
                hangUp(client);
            }
            view.drain(client); // what the socket took, released
            assertEquals(0, gw.bodies.held(), "the body budget is given back");
            assertEquals(0, gw.gate.open());
            EmbeddedGateway.sent(up);
            if (up.channel().isOpen()) {
                hangUp(up.channel());
            }
            return e;
        }
    }

    static String chunk(String s) {
        return Integer.toHexString(s.length()) + "\r\n" + s + "\r\n";
    }

    // ---- the client leaves, in every state ----------------------------------------------------------

    @Test
    void clientGoneWhileConnectingAgainForAHealSettlesAtOnceAndBillsNothing() throws Exception {
        CompletableFuture<Boolean> heal = new CompletableFuture<>();
        gw.healAnswer = heal;
        try {
            Call c = new Call(false, "gen-connecting");
            String refusal = "{\"error\":{\"message\":\"bad key\",\"code\":401}}";
            c.upstreamSends("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: "
                    + refusal.length() + "\r\n\r\n" + refusal);
            assertEquals(ExchangeState.CONNECTING, c.exchange.state(), "waiting for the upstream key's heal");
            c.clientHangsUp();
            c.settledOnce(UsageStatus.CLIENT_ABORTED, 499, 0);
            heal.complete(true);
            gw.runTasks();
            assertEquals(ExchangeState.DONE, c.exchange.state());
            gw.onlyFinalEvent(c.exchange.requestId());
        } finally {
            gw.healAnswer = CompletableFuture.completedFuture(false);
        }
    }

    @Test
    void clientGoneAwaitingTheHeadKeepsTheUpstreamUntilTheGenerationIsKnown() throws Exception {
        Call c = new Call(true, "gen-awaiting");
        c.clientHangsUp();
        assertEquals(ExchangeState.ORPHANED, c.exchange.state());
        assertTrue(c.up.channel().isOpen(), "hanging up now would leave a generation nobody can name");
        c.upstreamSends(c.streamHead() + c.token());
        gw.runTasks();
        assertFalse(c.up.channel().isOpen(), "hung up once the head named the generation");
        c.settledOnce(UsageStatus.CLIENT_ABORTED, 499, LOOKED_UP);
    }

    @Test
    void clientGoneMidStreamCancelsTheUpstreamAndBillsTheGenerationsRecord() throws Exception {
        Call c = new Call(true, "gen-streaming");
        c.upstreamSends(c.streamHead() + c.token());
        assertEquals(ExchangeState.STREAMING, c.exchange.state());
        c.clientHangsUp();
        assertFalse(c.up.channel().isOpen(), "the upstream call is cancelled");
        c.settledOnce(UsageStatus.CLIENT_ABORTED, 200, LOOKED_UP);
    }

    @Test
    void clientGoneWhileAWholeAnswerIsBufferedReadsItForItsUsage() throws Exception {
        Call c = new Call(false, "gen-buffering");
        String whole = c.whole();
        int cut = whole.indexOf("\r\n\r\n") + 20;
        c.upstreamSends(whole.substring(0, cut));
        assertEquals(ExchangeState.BUFFERING, c.exchange.state());
        c.clientHangsUp();
        assertEquals(ExchangeState.ORPHANED, c.exchange.state());
        c.upstreamSends(whole.substring(cut));
        c.settledOnce(UsageStatus.CLIENT_ABORTED, 499, IN_ANSWER);
    }

    @Test
    void clientGoneWhileTheClosingCostIsLookedUpSettlesPendingOnce() throws Exception {
        Call c = new Call(true, "gen-finishing");
        gw.generations.hold(c.gen);
        c.upstreamSends(c.streamHead() + c.token() + chunk(DONE) + END);
        assertEquals(ExchangeState.FINISHING, c.exchange.state(), "the answer named no cost: it is being looked up");
        c.clientHangsUp();
        // the lookup's answer is on its way but not here: the reconciler settles the pending charge
        c.settledOnce(UsageStatus.CLIENT_ABORTED, 200, -1);
        gw.generations.answerHeld();
        gw.runTasks();
        gw.onlyFinalEvent(c.exchange.requestId());
    }

    @Test
    void clientGoneWhileOrphanedAfterATimeoutStillBillsTheLateAnswer() throws Exception {
        Call c = new Call(false, "gen-orphaned");
        c.advance(31);
        assertEquals(504, c.answer().status());
        assertTrue(c.answer().body().contains("\"code\":\"upstream_timeout\""), c.answer().body());
        assertEquals(ExchangeState.ORPHANED, c.exchange.state());
        c.clientHangsUp();
        assertEquals(ExchangeState.ORPHANED, c.exchange.state());
        c.upstreamSends(c.whole());
        c.settledOnce(UsageStatus.TIMEOUT, 504, IN_ANSWER);
    }

    @Test
    void clientGoneWhileSettlingAfterAnUpstreamResetChangesNothing() throws Exception {
        Call c = new Call(true, "gen-settling");
        gw.generations.hold(c.gen);
        c.upstreamSends(c.streamHead() + c.token());
        c.upstreamHangsUp();
        ClientView.Response r = c.answer();
        assertTrue(r.body().contains("data: {\"error\":{") && r.body().contains("\"code\":\"upstream_error\""), r.body());
        assertFalse(r.body().contains("[DONE]"));
        gw.runTasks();
        assertFalse(c.client.isOpen(), "the stream ended with its error event and the connection closed");
        assertEquals(ExchangeState.SETTLING, c.exchange.state());
        gw.generations.answerHeld();
        c.settledOnce(UsageStatus.UPSTREAM_ERROR, 200, LOOKED_UP);
    }

    @Test
    void clientGoneAfterTheAnswerChangesNothing() throws Exception {
        Call c = new Call(true, "gen-done");
        c.upstreamSends(c.streamHead() + c.token() + c.usage() + chunk(DONE) + END);
        assertEquals(ExchangeState.DONE, c.exchange.state());
        assertTrue(c.answer().complete());
        c.clientHangsUp();
        c.settledOnce(UsageStatus.COMPLETED, 200, IN_ANSWER);
    }

    // ---- backpressure --------------------------------------------------------------------------

    @Test
    void aClientThatCannotTakeMoreStopsUpstreamReadsUntilItCan() throws Exception {
        Call c = new Call(true, "gen-slow");
        c.upstreamSends(c.streamHead() + c.token());
        int reads = c.up.reads().reads;
        c.writable(false);
        c.upstreamSends(c.token());
        assertEquals(reads, c.up.reads().reads, "nothing more is asked of the upstream while the client is full");
        c.writable(true);
        assertEquals(reads + 1, c.up.reads().reads, "writable again: the next read");
        c.upstreamSends(c.usage() + chunk(DONE) + END);
        ClientView.Response r = c.answer();
        assertTrue(r.complete());
        assertEquals(2, r.body().split("\"content\":\"x\"", -1).length - 1, r.body());
        c.settledOnce(UsageStatus.COMPLETED, 200, IN_ANSWER);
    }

    // ---- timeouts, on the loop's clock -----------------------------------------------------------

    @Test
    void noHeadWithinTheFirstByteLimitIs504ThenTheSilentUpstreamIsDroppedAfterTheOrphanLimit() throws Exception {
        Call c = new Call(false, "gen-first-byte");
        c.advance(29);
        assertEquals(null, c.answer(), "within the first-byte limit");
        c.advance(2);
        assertEquals(504, c.answer().status());
        assertEquals(ExchangeState.ORPHANED, c.exchange.state());
        assertTrue(c.up.channel().isOpen(), "still listening: a late answer would name the generation");
        c.advance(58);
        assertTrue(c.up.channel().isOpen());
        c.advance(3);
        assertFalse(c.up.channel().isOpen(), "the orphan limit is over");
        c.settledOnce(UsageStatus.TIMEOUT, 504, 0); // no head: no generation to bill
    }

    @Test
    void aStreamThatStopsIsCutAfterTheChunkLimitWithAnSseError() throws Exception {
        Call c = new Call(true, "gen-chunk");
        c.advance(1);
        c.upstreamSends(c.streamHead() + c.token());
        c.advance(19);
        assertEquals(ExchangeState.STREAMING, c.exchange.state(), "within the chunk limit of the last bytes");
        c.advance(6); // the limit plus the timer's granularity (a quarter of the smaller limit)
        ClientView.Response r = c.answer();
        assertTrue(r.complete() && r.body().contains("\"code\":\"upstream_timeout\""), r.body());
        assertFalse(c.up.channel().isOpen());
        c.settledOnce(UsageStatus.TIMEOUT, 200, LOOKED_UP);
    }

    @Test
    void aClientThatStopsReadingIsCutAfterTheWriteStallLimitAndTheUpstreamCancelled() throws Exception {
        Call c = new Call(true, "gen-stall");
        c.upstreamSends(c.streamHead() + c.token());
        c.writable(false);
        c.advance(9);
        assertTrue(c.client.isOpen(), "within the write-stall limit");
        c.advance(4);
        assertFalse(c.client.isOpen(), "the stalled client is closed");
        assertFalse(c.up.channel().isOpen(), "and the upstream call cancelled");
        c.settledOnce(UsageStatus.CLIENT_ABORTED, 200, LOOKED_UP);
    }

    @Test
    void anOrphanWhoseUpstreamNeverAnswersIsDroppedAfterTheOrphanLimit() throws Exception {
        Call c = new Call(false, "gen-orphan");
        c.clientHangsUp();
        c.advance(59);
        assertEquals(ExchangeState.ORPHANED, c.exchange.state());
        c.advance(2);
        assertFalse(c.up.channel().isOpen());
        c.settledOnce(UsageStatus.CLIENT_ABORTED, 499, 0);
    }
}
