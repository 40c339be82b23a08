package ai.dexto.gateway.dataplane.journal;

import ai.dexto.gateway.common.usage.StringCache;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageEventCodec;
import ai.dexto.gateway.common.usage.UsageQueues;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's usage journal: a preallocated Disruptor ring that event loops publish into without
 * blocking, and one writer thread ({@link JournalWriter}) that appends each event to the node's
 * Chronicle Queue. It only journals; what an event says is decided by the credit code.
 *
 * <p><b>Admission, not hope.</b> A request may run only once its events are sure to fit: it
 * {@link #admit}s ring capacity before it is served and every later {@link #claim} draws on that,
 * so a served request can never find the ring full. While the journal cannot write (the writer's
 * appender failing, or free disk below the floor) admission is refused, so the node turns unready
 * and refuses new chats instead of serving them unbilled; requests already admitted still publish
 * into their reserved capacity and are written once the cause goes (the writer retries the same
 * event until it succeeds).
 *
 * <p>{@code nodeSequence} is the ring sequence plus the last sequence found in the queue at start:
 * the single writer appends in ring order, so sequences in the queue increase strictly, across
 * restarts too, and {@link #nodeSequence} is known at claim time, before the event is visible.
 */
public final class UsageJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);

    private final ChronicleQueue queue;
    private final Disruptor<UsageEvent> disruptor;
    private final RingBuffer<UsageEvent> ring;
    private final JournalWriter writer;
    private final DiskFloor disk;
    private final String nodeId;
    private final long baseSequence;
    /** Ring slots promised to admitted requests and not yet claimed. */
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    public UsageJournal(Path directory, String nodeId, int ringSize, long diskFloorBytes) throws IOException {
        Files.createDirectories(directory);
        this.nodeId = nodeId;
        this.queue = UsageQueues.open(directory);
        this.baseSequence = lastSequence(queue);
        this.disk = new DiskFloor(directory, diskFloorBytes);
        this.writer = new JournalWriter(queue);
        this.disruptor = new Disruptor<>(UsageEvent::new, ringSize, r -> {
            Thread t = new Thread(r, "dexto-journal");
            t.setDaemon(true);
            return t;
        }, ProducerType.MULTI, new SleepingWaitStrategy(0, JournalWriter.IDLE_SLEEP_NANOS));
        disruptor.handleEventsWith(writer);
        this.ring = disruptor.start();
        writer.awaitStarted();
        LOG.info("journal {} resumes after nodeSequence {}", directory, baseSequence);
    }

    /**
     * Reserves room for {@code events} events of one request; false (nothing reserved) while the
     * journal cannot write or the ring is full.
     */
    public boolean admit(int events) {
        if (!available()) {
            refused.incrementAndGet();
            return false;
        }
        while (true) {
            long a = admitted.get();
            if (a + events > ring.remainingCapacity()) {
                refused.incrementAndGet();
                return false;
            }
            if (admitted.compareAndSet(a, a + events)) {
                return true;
            }
        }
    }

    /** Gives back admitted room a request did not use. */
    public void unadmit(int events) {
        admitted.addAndGet(-events);
    }

    /** Claims one admitted slot; fill {@link #slot} then {@link #publish}. Never fails for admitted room. */
    public long claim() {
        long seq = ring.next();
        admitted.decrementAndGet(); // after next(): the room moved from "admitted" into the ring
        return seq;
    }

    public UsageEvent slot(long sequence) {
        return ring.get(sequence);
    }

    /** The {@code nodeSequence} the event in {@code sequence} is written under. */
    public long nodeSequence(long sequence) {
        return baseSequence + sequence + 1;
    }

    /** Makes a claimed, filled slot visible to the writer. */
    public void publish(long sequence) {
        UsageEvent e = ring.get(sequence);
        e.nodeId = nodeId;
        e.nodeSequence = nodeSequence(sequence);
        ring.publish(sequence);
    }

    /** Whether new requests may be admitted: the writer is writing and the disk is above its floor. */
    public boolean available() {
        return writer.healthy() && disk.aboveFloor();
    }

    /** Why the journal is unavailable, for logs and {@code /ready}; null when available. */
    public String unavailableReason() {
        if (!writer.healthy()) {
            return "journal writer failing: " + writer.lastError();
        }
        if (!disk.aboveFloor()) {
            return "journal disk below its floor of " + disk.floorBytes() + " bytes free";
        }
        return null;
    }

    /** Re-reads the free disk space (the gateway calls this every second). */
    public void checkDisk() {
        boolean was = disk.aboveFloor();
        disk.check();
        if (was != disk.aboveFloor()) {
            if (was) {
                LOG.error("journal unavailable: {}; new chat requests are refused", unavailableReason());
            } else {
                LOG.info("journal disk back above its floor; admitting requests again");
            }
        }
    }

    public long backlog() {
        return ring.getBufferSize() - ring.remainingCapacity();
    }

    public long admittedSlots() {
        return admitted.get();
    }

    public long refusedAdmissions() {
        return refused.get();
    }

    public long written() {
        return writer.written();
    }

    public long writeFailures() {
        return writer.failures();
    }

    public long lastPublishedSequence() {
        return baseSequence + ring.getCursor() + 1;
    }

    /** Test hook for the fault tests: the writer's appends fail while set, as on an I/O error. */
    public void injectWriteFailures(boolean failing) {
        writer.injectFailures(failing);
    }

    /** Drains what was published (up to {@code drainSeconds}), then closes the queue. */
    public void close(long drainSeconds) {
        try {
            disruptor.shutdown(drainSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.error("journal did not drain within {} s; {} events left unwritten", drainSeconds, backlog());
            writer.stop();
            disruptor.halt();
        }
        queue.close();
    }

    @Override
    public void close() {
        close(5);
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
}
