package ai.dexto.gateway.controlplane.support;

import ai.dexto.gateway.common.usage.RequestIds;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageEventCodec;
import ai.dexto.gateway.common.usage.UsageQueues;
import ai.dexto.gateway.common.usage.UsageStatus;
import java.nio.file.Path;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

/** Writes usage events as a data-plane node does: one queue per node, strictly increasing sequence. */
public final class JournalWriter implements AutoCloseable {
    private final ChronicleQueue queue;
    private final ExcerptAppender appender;
    private final String node;
    private long sequence;

    public JournalWriter(Path dir, String node) {
        this(UsageQueues.open(dir), node, 0);
    }

    /** A writer on a queue opened by the caller (e.g. with a settable clock), continuing after {@code sequence}. */
    public JournalWriter(ChronicleQueue queue, String node, long sequence) {
        this.queue = queue;
        this.appender = queue.createAppender();
        this.node = node;
        this.sequence = sequence;
    }

    public UsageEvent write(String userId, long keyId, long billedNanos, String model) {
        UsageEvent e = event(userId, keyId, billedNanos, model);
        write(e);
        return e;
    }

    /** The next event of this node, not yet written (a test may change it first). */
    public UsageEvent event(String userId, long keyId, long billedNanos, String model) {
        UsageEvent e = new UsageEvent();
        long nowMicros = System.currentTimeMillis() * 1000;
        e.requestIdHigh = RequestIds.newHigh(nowMicros / 1000);
        e.requestIdLow = RequestIds.newLow();
        e.nodeId = node;
        e.nodeSequence = ++sequence;
        e.userId = userId;
        e.keyId = keyId;
        e.model = model;
        e.generationId.append("gen-").append(sequence);
        e.promptTokens = 10;
        e.completionTokens = 20;
        e.cachedTokens = 1;
        e.reasoningTokens = 2;
        e.billedCostNanos = billedNanos;
        e.upstreamCostNanos = billedNanos;
        e.status = UsageStatus.COMPLETED;
        e.streamed = true;
        e.httpStatus = 200;
        e.receivedAtMicros = nowMicros - 2000;
        e.firstByteAtMicros = nowMicros - 1000;
        e.completedAtMicros = nowMicros;
        e.reservedNanos = billedNanos;
        return e;
    }

    /** A document that is not a usage event (what a corrupted or foreign writer leaves). */
    public void writeGarbage() {
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().writeByte((byte) 0).writeInt(7);
        }
    }

    /** Writes an event as given (e.g. a replay of an earlier one). */
    public void write(UsageEvent e) {
        try (DocumentContext dc = appender.writingDocument()) {
            UsageEventCodec.write(e, dc.wire().bytes());
        }
    }

    public long sequence() {
        return sequence;
    }

    @Override
    public void close() {
        appender.close();
        queue.close();
    }
}
