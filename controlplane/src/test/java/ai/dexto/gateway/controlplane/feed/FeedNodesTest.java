package ai.dexto.gateway.controlplane.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.dexto.gateway.controlplane.support.ManualClock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FeedNodesTest {
    @Test
    void aNodeCountsWhileItPolledWithinTheLastMinute() {
        ManualClock clock = new ManualClock();
        FeedNodes nodes = new FeedNodes(clock);
        assertEquals(0, nodes.active());
        nodes.seen("gw-1");
        nodes.seen("gw-1");
        nodes.seen("gw-2");
        assertEquals(2, nodes.active(), "a node is counted once however often it polls");
        clock.millis += 59_000;
        nodes.seen("gw-1");
        assertEquals(2, nodes.active());
        clock.millis += 2_000;
        assertEquals(1, nodes.active(), "gw-2 has not polled for 61 s");
        clock.millis += 60_001;
        assertEquals(0, nodes.active());
    }
}
