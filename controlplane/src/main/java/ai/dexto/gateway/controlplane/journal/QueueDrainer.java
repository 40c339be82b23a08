package ai.dexto.gateway.controlplane.journal;

import ai.dexto.gateway.common.usage.StringCache;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageEventCodec;
import ai.dexto.gateway.common.usage.UsageQueues;
import ai.dexto.gateway.controlplane.db.Transactions;
import com.codahale.metrics.Meter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one node's usage journal into PostgreSQL, exactly once. The position lives in
 * {@code journal_offsets}, written in the same transaction as the batch it ends: on every (re)start
 * the tailer moves to the stored index and skips that one document. Any failure drops the in-memory
 * batch and restarts from the stored index, so a crash at any point replays at most an uncommitted
 * batch, and {@code request_id} uniqueness makes even a replay of committed rows bill nothing.
 */
final class QueueDrainer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(QueueDrainer.class);

    private final Path dir;
    private final String queueId;
    private final Transactions transactions;
    private final UsageLedgerWriter writer;
    private final int batchSize;
    private final long batchNanos;
    private final Meter drained;
    private volatile boolean running = true;
    private volatile long eventsBehind;
    /** Completion time of the last drained event (or the drain's start): undrained events are newer. */
    private volatile long drainedThroughMillis = System.currentTimeMillis();
    private volatile long consecutiveFailures;
    private volatile Thread thread;

    QueueDrainer(Path dir, String queueId, Transactions transactions, DrainFaults faults, int batchSize,
                 long batchMillis, Meter drained) {
        this.dir = dir;
        this.queueId = queueId;
        this.transactions = transactions;
        this.writer = new UsageLedgerWriter(transactions, faults);
        this.batchSize = batchSize;
        this.batchNanos = TimeUnit.MILLISECONDS.toNanos(batchMillis);
        this.drained = drained;
    }

    String queueId() {
        return queueId;
    }

    long eventsBehind() {
        return eventsBehind;
    }

    /** Roughly the age of the oldest undrained event; 0 when caught up. */
    long secondsBehind() {
        return eventsBehind == 0 ? 0 : Math.max(0, (System.currentTimeMillis() - drainedThroughMillis) / 1000);
    }

    long consecutiveFailures() {
        return consecutiveFailures;
    }

    void start() {
        Thread t = new Thread(this, "drain-" + queueId);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    void stop() throws InterruptedException {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            t.join(10_000);
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                drainUntilStopped();
                consecutiveFailures = 0;
            } catch (RuntimeException | Error e) {
                consecutiveFailures++;
                log.warn("drain of journal {} failed; resuming from the stored index", queueId, e);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(5_000, 200 * consecutiveFailures)));
            }
        }
    }

    private void drainUntilStopped() {
        StringCache strings = new StringCache(100_000);
        UsageEvent event = new UsageEvent();
        UsageBatch batch = new UsageBatch(batchSize);
        try (ChronicleQueue queue = UsageQueues.open(dir); ExcerptTailer tailer = queue.createTailer()) {
            resume(queue, tailer);
            long batchStarted = 0;
            long lastCommit = 0;
            while (running) {
                boolean present;
                try (DocumentContext dc = tailer.readingDocument()) {
                    present = dc.isPresent();
                    if (present) {
                        long index = dc.index();
                        try {
                            UsageEventCodec.read(dc.wire().bytes(), event, strings);
                            batch.add(event, index);
                        } catch (RuntimeException e) {
                            log.error("journal {} index {}: unreadable usage event skipped", queueId, index, e);
                            batch.skip(index);
                        }
                        if (batchStarted == 0) {
                            batchStarted = System.nanoTime();
                        }
                    }
                }
                long now = System.nanoTime();
                boolean full = batch.size >= batchSize;
                boolean old = batchStarted != 0 && now - batchStarted >= batchNanos;
                // Caught up: commit at once if the last commit is at least batchMillis old (a trickle
                // is billed immediately); under steady load gather batchMillis of events instead, so
                // each transaction's fixed cost is spread over many events.
                boolean idleSinceCommit = !present && now - lastCommit >= batchNanos;
                if (batch.lastIndex >= 0 && (full || old || idleSinceCommit)) {
                    long lastCompletedMicros = batch.size > 0 ? batch.completedAt[batch.size - 1] : 0;
                    int inserted = writer.apply(queueId, batch);
                    if (lastCompletedMicros > 0) {
                        drainedThroughMillis = lastCompletedMicros / 1000;
                    }
                    drained.mark(inserted);
                    consecutiveFailures = 0;
                    batch.clear();
                    batchStarted = 0;
                    lastCommit = System.nanoTime();
                    updateLag(queue, tailer);
                } else if (!present) {
                    if (batch.lastIndex < 0) {
                        eventsBehind = 0;
                        drainedThroughMillis = System.currentTimeMillis();
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(batch.lastIndex < 0 ? 5 : 1));
                }
            }
        }
    }

    private void resume(ChronicleQueue queue, ExcerptTailer tailer) {
        long stored = UsageLedgerWriter.storedIndex(transactions, queueId);
        if (stored < 0) {
            tailer.toStart();
        } else if (tailer.moveToIndex(stored)) {
            try (DocumentContext dc = tailer.readingDocument()) {
                // the stored index is the last applied document: skip it
                if (!dc.isPresent()) {
                    throw new IllegalStateException("stored index " + stored + " is not readable");
                }
            }
        } else {
            // the stored document is gone (journal pruned): replaying from the start is safe,
            // every already-billed request id inserts nothing
            log.warn("journal {}: stored index {} not found, replaying from the start", queueId, stored);
            tailer.toStart();
        }
        updateLag(queue, tailer);
        log.info("draining journal {} from {} (stored index {})", queueId, dir, stored);
    }

    private void updateLag(ChronicleQueue queue, ExcerptTailer tailer) {
        long last = queue.lastIndex();
        long next = tailer.index();
        eventsBehind = last < 0 || next > last ? 0 : Math.max(0, ((SingleChronicleQueue) queue).countExcerpts(next, last) + 1);
    }
}
