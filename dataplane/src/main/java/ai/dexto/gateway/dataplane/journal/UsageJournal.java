package ai.dexto.gateway.dataplane.journal;

import ai.dexto.gateway.common.usage.StringCache;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageEventCodec;
import ai.dexto.gateway.common.usage.UsageQueues;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 7's hand-off: event loops publish into a preallocated Disruptor ring with
 * {@code tryPublishEvent} (never blocking; a full ring is counted as a drop), and one writer thread
 * appends each event to this node's Chronicle Queue.
 *
 * <p>{@code nodeSequence} is the ring sequence plus the last sequence found in the queue at start:
 * the single consumer writes in ring order, so sequences in the queue increase strictly, across
 * restarts too. The account is settled inside the translator, under the event's sequence, before the
 * event becomes visible to the writer, so the control plane can never apply a sequence this node has
 * not yet counted.
 */
public final class UsageJournal implements AutoCloseable {
    /**
     * An idle writer sleeps this long between looks at the ring. The default strategy spins, yields,
     * then parks ~100 ns at a time: a thread always runnable, competing with the event loops for the
     * cores. Nothing waits on the writer (publishing never blocks, the journal is read later), so a
     * millisecond's delay costs nothing; each wake-up writes everything published meanwhile.
     */
    private static final long WRITER_SLEEP_NANOS = 1_000_000;

    private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);

    private final ChronicleQueue queue;
    private final Disruptor<UsageEvent> disruptor;
    private final RingBuffer<UsageEvent> ring;
    private final String nodeId;
    private final long baseSequence;
    private final AtomicLong drops = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final EventTranslatorOneArg<UsageEvent, Settlement> translator = this::translate;

    public UsageJournal(Path directory, String nodeId, int ringSize) throws java.io.IOException {
        Files.createDirectories(directory);
        this.nodeId = nodeId;
        this.queue = UsageQueues.open(directory);
        this.baseSequence = lastSequence(queue);
        this.disruptor = new Disruptor<>(UsageEvent::new, ringSize,
                r -> {
                    Thread t = new Thread(r, "dexto-journal");
                    t.setDaemon(true);
                    return t;
                }, ProducerType.MULTI, new SleepingWaitStrategy(0, WRITER_SLEEP_NANOS));
        Writer writer = new Writer();
        disruptor.handleEventsWith(writer);
        this.ring = disruptor.start();
        try {
            // The appender must exist (created on the writer thread) before anything can be published.
            if (!writer.started.await(10, TimeUnit.SECONDS)) {
                throw new java.io.IOException("journal writer did not start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.IOException("interrupted while starting the journal writer", e);
        }
        LOG.info("journal {} resumes after nodeSequence {}", directory, baseSequence);
    }

    /** Settles the account and publishes; false (reservation released, drop counted) when the ring is full. */
    public boolean publish(Settlement settlement) {
        if (ring.tryPublishEvent(translator, settlement)) {
            return true;
        }
        long dropped = drops.incrementAndGet();
        settlement.account.release(settlement.reservedNanos);
        if ((dropped & (dropped - 1)) == 0) {
            // 1st, 2nd, 4th, 8th…: loud without flooding the log when the writer is stuck.
            LOG.error("journal ring full: usage event of request {} dropped ({} drops so far)",
                    settlement.draft.requestId(), dropped);
        }
        return false;
    }

    private void translate(UsageEvent slot, long sequence, Settlement s) {
        long nodeSequence = baseSequence + sequence + 1;
        s.account.settle(s.reservedNanos, s.draft.billedCostNanos, nodeSequence);
        slot.copyFrom(s.draft);
        slot.nodeId = nodeId;
        slot.nodeSequence = nodeSequence;
    }

    public long backlog() {
        return ring.getBufferSize() - ring.remainingCapacity();
    }

    public long drops() {
        return drops.get();
    }

    public long written() {
        return written.get();
    }

    public long lastPublishedSequence() {
        return baseSequence + ring.getCursor() + 1;
    }

    /** Drains what was published (up to 5 s), then closes the queue. */
    @Override
    public void close() {
        try {
            disruptor.shutdown(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.error("journal did not drain within 5 s; {} events left", backlog());
            disruptor.halt();
        }
        queue.close();
    }

    /** One journaled charge, as replayed at start. */
    public interface SpendSink {
        void spent(String userId, long nodeSequence, long billedNanos);
    }

    /**
     * Replays the most recent {@code limit} events with a charge, newest first, so a restarted node
     * counts its own spend that the control plane may not have applied yet (the feed then drops what
     * it has applied, by sequence). Without this a restart would briefly overstate balances.
     */
    public void replayRecentSpend(int limit, SpendSink sink) {
        ExcerptTailer tailer = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd();
        UsageEvent e = new UsageEvent();
        StringCache strings = new StringCache(1024);
        for (int n = 0; n < limit; n++) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return;
                }
                UsageEventCodec.read(dc.wire().bytes(), e, strings);
            }
            if (e.billedCostNanos > 0 && e.userId != null) {
                sink.spent(e.userId, e.nodeSequence, e.billedCostNanos);
            }
        }
    }

    static long lastSequence(ChronicleQueue queue) {
        ExcerptTailer tailer = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd();
        UsageEvent last = new UsageEvent();
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return 0;
            }
            UsageEventCodec.read(dc.wire().bytes(), last, new StringCache(16));
            return last.nodeSequence;
        }
    }

    private final class Writer implements EventHandler<UsageEvent> {
        private final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        private ExcerptAppender appender;
        /**
         * Events are encoded on the heap, then copied into the mapped file in one write: each field
         * written straight into mapped bytes pays Chronicle's closed and thread-safety checks (the
         * profile showed the encoding as most of this thread's time).
         */
        private final Bytes<byte[]> encoded = Bytes.allocateElasticOnHeap(512);

        @Override
        public void onStart() {
            appender = queue.createAppender();
            started.countDown();
        }

        @Override
        public void onEvent(UsageEvent event, long sequence, boolean endOfBatch) {
            encoded.clear();
            UsageEventCodec.write(event, encoded);
            try (DocumentContext dc = appender.writingDocument()) {
                dc.wire().bytes().write(encoded);
            }
            written.incrementAndGet();
        }

        @Override
        public void onShutdown() {
            if (appender != null) {
                appender.close();
            }
        }
    }
}
