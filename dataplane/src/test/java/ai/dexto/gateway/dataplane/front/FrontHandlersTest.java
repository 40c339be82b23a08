package ai.dexto.gateway.dataplane.front;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connection-level guards, driven through EmbeddedChannel with its clock advanced, no sockets. */
@Timeout(10)
class FrontHandlersTest {
    static final long S = TimeUnit.SECONDS.toNanos(1);

    static ClientDeadlines deadlines() {
        return new ClientDeadlines(10 * S, 60 * S, 5 * S, 30 * S);
    }

    @Test
    void headersNotCompleteInTimeGet408AndTheConnectionCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(deadlines());
        ch.writeInbound(Unpooled.copiedBuffer("POST /v1/chat/completions HTTP/1.1\r\nHost:", StandardCharsets.US_ASCII));
        ((ByteBuf) ch.readInbound()).release();
        ch.advanceTimeBy(4, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen(), "still within the header limit");
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        ByteBuf out = ch.readOutbound();
        assertTrue(out.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 408 "));
        assertTrue(out.toString(StandardCharsets.US_ASCII).contains("\"code\":\"request_timeout\""));
        out.release();
        assertFalse(ch.isOpen());
    }

    @Test
    void aSilentNewConnectionIsClosedWithoutAnAnswer() {
        EmbeddedChannel ch = new EmbeddedChannel(deadlines());
        ch.advanceTimeBy(11, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen());
        assertTrue(ch.outboundMessages().isEmpty());
    }

    @Test
    void theBodyHasItsOwnLimitAndNoLimitRunsWhileAnswering() {
        ClientDeadlines d = deadlines();
        EmbeddedChannel ch = new EmbeddedChannel(d);
        ch.writeInbound(Unpooled.copiedBuffer("POST / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII));
        ((ByteBuf) ch.readInbound()).release();
        d.headersReceived();
        ch.advanceTimeBy(29, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen(), "the body has 30 s");
        d.requestReceived();
        ch.advanceTimeBy(600, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen(), "an answer may take long: the relay times it");
        d.answered();
        ch.advanceTimeBy(61, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen(), "an idle kept-alive connection is closed");
    }

    @Test
    void connectionsPastTheTotalOrPerAddressCapGet503() {
        ClientGate gate = new ClientGate(3, 1, false);
        EmbeddedChannel first = new EmbeddedChannel(gate);
        EmbeddedChannel second = new EmbeddedChannel(gate);
        ByteBuf refused = second.readOutbound();
        assertTrue(refused.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 503 "),
                "embedded channels share one address: the per-address cap of 1 refuses the second");
        refused.release();
        assertFalse(second.isOpen());
        assertTrue(first.isOpen());
        assertEquals(1, gate.open());
        assertEquals(1, gate.addresses());
        first.close();
        assertEquals(0, gate.open());
        assertEquals(0, gate.addresses(), "an address without connections is forgotten");
    }
}
