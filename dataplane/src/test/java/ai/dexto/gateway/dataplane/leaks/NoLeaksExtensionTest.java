package ai.dexto.gateway.dataplane.leaks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The leak guard itself: paranoid detection is on, and a dropped buffer is reported with its allocation site. */
@Timeout(30)
class NoLeaksExtensionTest {
    @Test
    void everyTestJvmTracksEveryBuffer() {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel(),
                "-Dio.netty.leakDetection.level=paranoid reaches the test JVM (dexto.leak.flags)");
    }

    @Test
    void aBufferDroppedWithoutReleaseIsReportedWithWhereItWasAllocated() throws InterruptedException {
        NoLeaksExtension.collect();
        leakOne();
        List<String> leaks = NoLeaksExtension.collect();
        assertEquals(1, leaks.size(), leaks::toString);
        assertTrue(leaks.get(0).contains("LEAK: ByteBuf.release() was not called"), leaks.get(0));
        assertTrue(leaks.get(0).contains("leakOne"), "the access record names the allocating method: " + leaks.get(0));
        // drained here: the class itself ends clean, which the extension checks after it
    }

    private static void leakOne() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        b.writeLong(42);
    }
}
