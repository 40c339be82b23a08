package ai.dexto.gateway.dataplane.leaks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class whose buffers leaked. Registered for every data-plane test class (service file
 * + {@code junit-platform.properties} autodetection), with Netty's leak detector at {@code paranoid}
 * (the module's {@code dexto.leak.flags}): after the class, garbage is collected and the detector is
 * made to report what the collector found; any {@code LEAK:} report fails the class with the
 * detector's access records (where the buffer was allocated and last touched).
 */
public final class NoLeaksExtension implements BeforeAllCallback, AfterAllCallback {
    private static final int SHOWN = 3;

    @Override
    public void beforeAll(ExtensionContext context) {
        failOn(LeakLog.drain(), "before " + context.getDisplayName() + " began (a leak of an earlier class, found late)");
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        failOn(collect(), "by " + context.getDisplayName());
    }

    /**
     * Collects garbage until the collector has processed what was unreachable, then lets the detector
     * report it; the reports since the last drain.
     */
    public static List<String> collect() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            ReferenceQueue<Object> queue = new ReferenceQueue<>();
            WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
            long deadline = System.nanoTime() + 5_000_000_000L;
            Object collected = null;
            while (collected == null && System.nanoTime() < deadline) {
                System.gc();
                collected = queue.remove(50); // a condition with a deadline: the collector enqueued our sentinel
            }
            sentinel.clear();
            // the detector drains its reference queue on every tracked allocation
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(1);
            pooled.release();
            ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(1);
            heap.release();
        }
        return LeakLog.drain();
    }

    private static void failOn(List<String> leaks, String when) {
        if (leaks.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder().append(leaks.size()).append(" buffer leak(s) reported ").append(when)
                .append(":");
        for (int i = 0; i < Math.min(SHOWN, leaks.size()); i++) {
            sb.append("\n---\n").append(leaks.get(i));
        }
        throw new AssertionError(sb.toString());
    }
}
