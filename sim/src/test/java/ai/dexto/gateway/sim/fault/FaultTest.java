package ai.dexto.gateway.sim.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultTest {
    @Test
    void combinedSpecSetsEveryNamedFault() {
        Fault fault = Fault.parse("delay-headers=200; status=503, no-usage");
        assertEquals(503, fault.status());
        assertEquals(200, fault.delayHeadersMs());
        assertTrue(fault.noUsage());
        assertEquals(-1, fault.resetAfter());
    }

    @Test
    void unknownFaultOrBadValueIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Fault.parse("explode=1"));
        assertThrows(IllegalArgumentException.class, () -> Fault.parse("status=200"));
        assertThrows(IllegalArgumentException.class, () -> Fault.parse("reset-after=x"));
        assertThrows(IllegalArgumentException.class, () -> Fault.parse("stall-after"));
    }

    @Test
    void globalFaultAppliesExactlyCountTimes() {
        FaultInjector injector = new FaultInjector();
        injector.arm(Fault.parse("status=503"), 2);
        assertEquals(503, injector.forRequest(null).status());
        assertEquals(503, injector.forRequest(null).status());
        assertTrue(injector.forRequest(null).isNone());
    }

    @Test
    void headerFaultWinsWithoutConsumingTheGlobalOne() {
        FaultInjector injector = new FaultInjector();
        injector.arm(Fault.parse("status=503"), 1);
        assertEquals(429, injector.forRequest("status=429").status());
        assertEquals(503, injector.forRequest(null).status());
    }

    @Test
    void countMinusOneLastsUntilCleared() {
        FaultInjector injector = new FaultInjector();
        injector.arm(Fault.parse("no-usage"), -1);
        for (int i = 0; i < 5; i++) {
            assertTrue(injector.forRequest("").noUsage());
        }
        injector.clear();
        assertTrue(injector.forRequest(null).isNone());
    }
}
