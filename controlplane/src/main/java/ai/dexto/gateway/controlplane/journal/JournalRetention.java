package ai.dexto.gateway.controlplane.journal;

import java.io.File;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a journal's cycle files once the drain has applied them and they are older than the
 * retention, so a node's disk is bounded. It never deletes the cycle holding the applied position
 * (the drain resumes there and checks the document), nor anything after it, nor the newest cycle (the
 * gateway reads its last node sequence from it). Runs on the drain's own thread when it is idle, at
 * most once per check interval.
 */
final class JournalRetention {
    private static final Logger log = LoggerFactory.getLogger(JournalRetention.class);

    private final long retentionMillis;
    private final long checkNanos;
    private long lastCheck = Long.MIN_VALUE;

    JournalRetention(long retentionMillis, long checkMillis) {
        this.retentionMillis = retentionMillis;
        this.checkNanos = TimeUnit.MILLISECONDS.toNanos(checkMillis);
    }

    /** @return how many cycle files were deleted */
    int maybeDelete(ChronicleQueue queue, long appliedIndex) {
        long now = System.nanoTime();
        if (appliedIndex < 0 || (lastCheck != Long.MIN_VALUE && now - lastCheck < checkNanos)) {
            return 0;
        }
        lastCheck = now;
        SingleChronicleQueue q = (SingleChronicleQueue) queue;
        RollCycle roll = q.rollCycle();
        int appliedCycle = roll.toCycle(appliedIndex);
        int newest = q.lastCycle();
        long cutoff = System.currentTimeMillis() - retentionMillis;
        DateTimeFormatter names = DateTimeFormatter.ofPattern(roll.format()).withZone(ZoneOffset.UTC);
        int deleted = 0;
        for (long cycle : q.listCyclesBetween(q.firstCycle(), appliedCycle)) {
            long endMillis = (cycle + 1) * roll.lengthInMillis() + q.epoch();
            if (cycle >= appliedCycle || cycle >= newest || endMillis > cutoff) {
                continue;
            }
            File file = new File(q.file(), names.format(Instant.ofEpochMilli(cycle * roll.lengthInMillis() + q.epoch()))
                    + SingleChronicleQueue.SUFFIX);
            if (file.delete()) {
                deleted++;
                log.info("journal {}: deleted applied cycle file {}", q.file().getName(), file.getName());
            }
        }
        if (deleted > 0) {
            q.refreshDirectoryListing();
        }
        return deleted;
    }
}
