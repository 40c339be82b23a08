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
 *
 * <p>What it never does on its own is go past a journal it cannot trust ({@link DrainHalted}): an
 * event it cannot decode, a stored position the journal does not have, a document at that position
 * that is not the one applied, or node sequences going backwards. Each stops this queue's drain.
 */
final class QueueDrainer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(QueueDrainer.class);

    private final Path dir;
    private final String queueId;
    private final Transactions transactions;
    private final UsageLedgerWriter writer;
    private final JournalRetention retention;
    private final int batchSize;
    private final long batchNanos;
    private final Meter drained;
    private volatile boolean running = true;
    private volatile long eventsBehind;
    /** Completion time of the last drained event (or the drain's start): undrained events are newer. */
    private volatile long drainedThroughMillis = System.currentTimeMillis();
    private volatile long consecutiveFailures;
    private volatile Thread thread;
    /** Why this queue's drain stopped for good (an operator must act); null while it runs. */
    private volatile String halted;
    /** The journal index applied in PostgreSQL (-1: none); only cycles before its own may be deleted. */
    private long committedIndex = -1;

    QueueDrainer(Path dir, String queueId, Transactions transactions, DrainFaults faults, int batchSize,
                 long batchMillis, Meter drained, JournalRetention retention) {
        this.dir = dir;
        this.queueId = queueId;
        this.transactions = transactions;
        this.writer = new UsageLedgerWriter(transactions, faults);
        this.retention = retention;
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

    /** Null while the drain runs; else why it stopped and will not resume without an operator. */
    String halted() {
        return halted;
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
            } catch (DrainHalted e) {
                halted = e.getMessage();
                log.error("{} (journal dir {}); the drain of this journal stops until an operator acts",
                        e.getMessage(), dir, e.getCause());
                return;
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
            long lastSequence = resume(queue, tailer, event, strings);
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
                        } catch (RuntimeException e) {
                            commit(batch, queue, tailer); // what came before it is good: bill it
                            throw new DrainHalted("journal " + queueId + " index " + index
                                    + ": usage event cannot be decoded", e);
                        }
                        if (event.nodeSequence < lastSequence) {
                            commit(batch, queue, tailer);
                            throw new DrainHalted("journal " + queueId + " index " + index + ": node sequence "
                                    + event.nodeSequence + " is below " + lastSequence
                                    + " already applied (journal replaced while draining?)");
                        }
                        lastSequence = event.nodeSequence;
                        batch.add(event, index);
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
                    commit(batch, queue, tailer);
                    batchStarted = 0;
                    lastCommit = System.nanoTime();
                } else if (!present) {
                    if (batch.lastIndex < 0) {
                        eventsBehind = 0;
                        drainedThroughMillis = System.currentTimeMillis();
                        retention.maybeDelete(queue, committedIndex);
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(batch.lastIndex < 0 ? 5 : 1));
                }
            }
        }
    }

    private void commit(UsageBatch batch, ChronicleQueue queue, ExcerptTailer tailer) {
        if (batch.lastIndex < 0) {
            return;
        }
        long lastCompletedMicros = batch.size > 0 ? batch.completedAt[batch.size - 1] : 0;
        int inserted = writer.apply(queueId, batch);
        committedIndex = batch.lastIndex;
        if (lastCompletedMicros > 0) {
            drainedThroughMillis = lastCompletedMicros / 1000;
        }
        drained.mark(inserted);
        consecutiveFailures = 0;
        batch.clear();
        updateLag(queue, tailer);
    }

    /**
     * Positions the tailer after the last applied document, having checked that it is the document
     * applied. @return the node sequence already applied (0 when nothing was)
     */
    private long resume(ChronicleQueue queue, ExcerptTailer tailer, UsageEvent event, StringCache strings) {
        UsageLedgerWriter.Position stored = UsageLedgerWriter.storedPosition(transactions, queueId);
        if (stored == null) {
            committedIndex = -1;
            tailer.toStart();
            updateLag(queue, tailer);
            log.info("draining journal {} from {} (never drained before)", queueId, dir);
            return 0;
        }
        if (!tailer.moveToIndex(stored.index())) {
            throw new DrainHalted("journal " + queueId + ": the applied position " + stored.index()
                    + " is not in the journal (its indexes run " + queue.firstIndex() + ".." + queue.lastIndex()
                    + "): the journal directory was lost or replaced");
        }
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                throw new DrainHalted("journal " + queueId + ": the applied document " + stored.index()
                        + " cannot be read: the journal directory was lost or replaced");
            }
            try {
                UsageEventCodec.read(dc.wire().bytes(), event, strings);
            } catch (RuntimeException e) {
                throw new DrainHalted("journal " + queueId + " index " + stored.index()
                        + ": the applied document cannot be decoded", e);
            }
        }
        if (stored.requestId() != null && (!stored.requestId().equals(event.requestId())
                || stored.nodeSequence() != event.nodeSequence)) {
            throw new DrainHalted("journal " + queueId + " index " + stored.index() + " holds request "
                    + event.requestId() + " (sequence " + event.nodeSequence + "), not the applied request "
                    + stored.requestId() + " (sequence " + stored.nodeSequence()
                    + "): the journal directory was replaced");
        }
        committedIndex = stored.index();
        updateLag(queue, tailer);
        log.info("draining journal {} from {} (applied index {}, sequence {})", queueId, dir, stored.index(),
                event.nodeSequence);
        return event.nodeSequence;
    }

    private void updateLag(ChronicleQueue queue, ExcerptTailer tailer) {
        long last = queue.lastIndex();
        long next = tailer.index();
        eventsBehind = last < 0 || next > last ? 0 : Math.max(0, ((SingleChronicleQueue) queue).countExcerpts(next, last) + 1);
    }
}
