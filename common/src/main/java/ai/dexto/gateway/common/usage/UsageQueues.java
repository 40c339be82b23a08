package ai.dexto.gateway.common.usage;

import java.nio.file.Path;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * Opens a usage journal the same way on both planes: the roll cycle decides the index format the
 * control plane stores as its drain position, so writer and reader must agree on it.
 */
public final class UsageQueues {
    private UsageQueues() {
    }

    public static ChronicleQueue open(Path directory) {
        return SingleChronicleQueueBuilder.single(directory.toFile())
                .rollCycle(RollCycles.FAST_DAILY)
                .build();
    }
}
