package ai.dexto.gateway.common.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UsageEventCodecTest {
    @TempDir
    Path dir;

    static UsageEvent sample(int i) {
        UsageEvent e = new UsageEvent();
        e.requestIdHigh = RequestIds.newHigh(1_700_000_000_000L + i);
        e.requestIdLow = RequestIds.newLow();
        e.nodeId = "node-a";
        e.nodeSequence = 1000 + i;
        e.userId = "user-" + (i % 3);
        e.keyId = 17;
        e.model = "openai/gpt-4o-mini";
        e.generationId.append("gen-").append(i);
        e.promptTokens = 12;
        e.completionTokens = 20 + i;
        e.cachedTokens = 4;
        e.reasoningTokens = 2;
        e.billedCostNanos = 140_000L + i;
        e.upstreamCostNanos = 140_000L;
        e.status = UsageStatus.CLIENT_ABORTED;
        e.streamed = true;
        e.httpStatus = 200;
        e.sessionId.append("sess-ü");
        e.receivedAtMicros = 1;
        e.firstByteAtMicros = 2;
        e.completedAtMicros = 3;
        e.costPending = i % 2 == 0;
        e.reservedNanos = 900_000L + i;
        return e;
    }

    static void assertSameEvent(UsageEvent a, UsageEvent b) {
        assertEquals(a.requestId(), b.requestId());
        assertEquals(a.nodeId, b.nodeId);
        assertEquals(a.nodeSequence, b.nodeSequence);
        assertEquals(a.userId, b.userId);
        assertEquals(a.keyId, b.keyId);
        assertEquals(a.model, b.model);
        assertEquals(a.generationId.toString(), b.generationId.toString());
        assertEquals(a.promptTokens, b.promptTokens);
        assertEquals(a.completionTokens, b.completionTokens);
        assertEquals(a.billedCostNanos, b.billedCostNanos);
        assertEquals(a.upstreamCostNanos, b.upstreamCostNanos);
        assertEquals(a.status, b.status);
        assertEquals(a.streamed, b.streamed);
        assertEquals(a.httpStatus, b.httpStatus);
        assertEquals(a.sessionId.toString(), b.sessionId.toString());
        assertEquals(a.receivedAtMicros, b.receivedAtMicros);
        assertEquals(a.firstByteAtMicros, b.firstByteAtMicros);
        assertEquals(a.completedAtMicros, b.completedAtMicros);
    }

    /** What a version-2 reader did, kept here to prove a v3 event does not break one. */
    static void readAsVersion2(Bytes<?> in, UsageEvent into) {
        in.readUnsignedByte();
        int bodyLength = in.readInt();
        long end = in.readPosition() + bodyLength;
        into.clear();
        into.requestIdHigh = in.readLong();
        into.requestIdLow = in.readLong();
        into.nodeId = in.readUtf8();
        into.nodeSequence = in.readLong();
        into.userId = in.readUtf8();
        into.keyId = in.readLong();
        into.model = in.readUtf8();
        in.readUtf8(into.generationId);
        into.promptTokens = in.readLong();
        into.completionTokens = in.readLong();
        into.billedCostNanos = in.readLong();
        into.upstreamCostNanos = in.readLong();
        into.status = UsageStatus.ofCode(in.readUnsignedByte());
        into.streamed = in.readBoolean();
        into.httpStatus = in.readUnsignedShort();
        in.readUtf8(into.sessionId);
        into.receivedAtMicros = in.readLong();
        into.firstByteAtMicros = in.readLong();
        into.completedAtMicros = in.readLong();
        if (in.readPosition() < end) {
            into.cachedTokens = in.readLong();
            into.reasoningTokens = in.readLong();
        }
        in.readPosition(end);
    }

    @Test
    void eventsRoundTripThroughAChronicleQueue() {
        StringCache strings = new StringCache(1000);
        try (ChronicleQueue queue = UsageQueues.open(dir)) {
            ExcerptAppender appender = queue.createAppender();
            for (int i = 0; i < 100; i++) {
                try (DocumentContext dc = appender.writingDocument()) {
                    UsageEventCodec.write(sample(i), dc.wire().bytes());
                }
            }
            ExcerptTailer tailer = queue.createTailer();
            UsageEvent read = new UsageEvent();
            for (int i = 0; i < 100; i++) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    assertTrue(dc.isPresent());
                    UsageEventCodec.read(dc.wire().bytes(), read, strings);
                }
                UsageEvent expected = sample(i);
                assertEquals(expected.cachedTokens, read.cachedTokens);
                assertEquals(expected.reasoningTokens, read.reasoningTokens);
                assertEquals(expected.nodeSequence, read.nodeSequence);
                assertEquals("gen-" + i, read.generationId.toString());
            }
            try (DocumentContext dc = tailer.readingDocument()) {
                assertFalse(dc.isPresent());
            }
        }
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
        UsageEvent original = sample(7);
        UsageEventCodec.write(original, bytes);
        UsageEvent read = new UsageEvent();
        UsageEventCodec.read(bytes, read, new StringCache(10));
        assertSameEvent(original, read);
        assertEquals(4, read.cachedTokens);
        assertEquals(2, read.reasoningTokens);
        assertFalse(read.costPending);
        assertEquals(900_007L, read.reservedNanos);
        UsageEvent pending = sample(8);
        bytes.clear();
        UsageEventCodec.write(pending, bytes);
        UsageEventCodec.read(bytes, read, new StringCache(10));
        assertTrue(read.costPending);
        assertEquals(0, bytes.readRemaining());
    }

    @Test
    void pendingCostReservationAndShutdownStatusRoundTrip() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
        UsageEvent original = sample(4);
        original.status = UsageStatus.SHUTDOWN;
        original.costPending = true;
        original.reservedNanos = Long.MAX_VALUE;
        UsageEventCodec.write(original, bytes);
        UsageEvent read = new UsageEvent();
        UsageEventCodec.read(bytes, read, new StringCache(10));
        assertSameEvent(original, read);
        assertEquals(UsageStatus.SHUTDOWN, read.status);
        assertTrue(read.costPending);
        assertEquals(Long.MAX_VALUE, read.reservedNanos);
    }

    @Test
    void aVersionTwoReaderSkipsTheNewFieldsAndSeesAStatusItKnows() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
        UsageEvent original = sample(2);
        original.status = UsageStatus.SHUTDOWN;
        UsageEventCodec.write(original, bytes);
        bytes.writeLong(0xCAFEL);

        UsageEvent read = new UsageEvent();
        readAsVersion2(bytes, read);
        assertEquals(UsageStatus.UPSTREAM_ERROR, read.status, "the legacy stand-in for a shutdown cut");
        assertEquals(original.billedCostNanos, read.billedCostNanos);
        assertEquals(original.cachedTokens, read.cachedTokens);
        assertFalse(read.costPending);
        assertEquals(0xCAFEL, bytes.readLong(), "the v3 fields were skipped by the body length");
    }

    @Test
    void anEventWrittenBySchemaVersionTwoReadsAsFinalWithNoReservation() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
        UsageEvent original = sample(6);
        bytes.writeByte((byte) 2);
        long lengthAt = bytes.writePosition();
        bytes.writeInt(0);
        long start = bytes.writePosition();
        UsageEventCodec.writeVersion1Fields(original, bytes);
        bytes.writeLong(original.cachedTokens);
        bytes.writeLong(original.reasoningTokens);
        bytes.writeInt(lengthAt, (int) (bytes.writePosition() - start));

        UsageEvent read = sample(8);
        UsageEventCodec.read(bytes, read, new StringCache(10));
        assertSameEvent(original, read);
        assertEquals(original.cachedTokens, read.cachedTokens);
        assertFalse(read.costPending);
        assertEquals(0, read.reservedNanos);
    }

    @Test
    void aTruncatedOrLyingBodyLengthIsRefusedNotMisread() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
        UsageEventCodec.write(sample(1), bytes);
        bytes.writeInt(1, 10_000); // longer than the document
        assertThrows(IllegalStateException.class,
                () -> UsageEventCodec.read(bytes, new UsageEvent(), new StringCache(10)));
        Bytes<?> unknown = Bytes.allocateElasticOnHeap(256);
        UsageEvent e = sample(1);
        UsageEventCodec.write(e, unknown);
        unknown.writeByte(unknown.writePosition() - 1, (byte) 99); // an unknown exact status
        assertThrows(IllegalArgumentException.class,
                () -> UsageEventCodec.read(unknown, new UsageEvent(), new StringCache(10)));
    }

    @Test
    void anEventWrittenBySchemaVersionOneStillReads() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
        UsageEvent original = sample(3);
        // What a version-1 writer put on disk: no cached or reasoning tokens.
        bytes.writeByte((byte) 1);
        long lengthAt = bytes.writePosition();
        bytes.writeInt(0);
        long start = bytes.writePosition();
        UsageEventCodec.writeVersion1Fields(original, bytes);
        bytes.writeInt(lengthAt, (int) (bytes.writePosition() - start));
        bytes.writeLong(0xFEEDL); // the next document must not be eaten

        UsageEvent read = sample(99);
        UsageEventCodec.read(bytes, read, new StringCache(10));
        assertSameEvent(original, read);
        assertEquals(0, read.cachedTokens);
        assertEquals(0, read.reasoningTokens);
        assertEquals(0xFEEDL, bytes.readLong());
    }

    @Test
    void fieldsAddedByANewerWriterAreSkipped() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
        UsageEvent original = sample(5);
        original.status = UsageStatus.SHUTDOWN;
        bytes.writeByte((byte) 4);
        long lengthAt = bytes.writePosition();
        bytes.writeInt(0);
        long start = bytes.writePosition();
        UsageEventCodec.writeVersion1Fields(original, bytes);
        bytes.writeLong(original.cachedTokens);
        bytes.writeLong(original.reasoningTokens);
        bytes.writeBoolean(original.costPending);
        bytes.writeLong(original.reservedNanos);
        bytes.writeByte((byte) original.status.code);
        bytes.writeLong(123456789L); // a field from the future
        bytes.writeInt(lengthAt, (int) (bytes.writePosition() - start));
        bytes.writeLong(0xBEEFL);

        UsageEvent read = new UsageEvent();
        UsageEventCodec.read(bytes, read, new StringCache(10));
        assertSameEvent(original, read);
        assertEquals(original.reservedNanos, read.reservedNanos);
        assertEquals(0xBEEFL, bytes.readLong());
    }

    @Test
    void repeatedStringsAreInternedNotReallocated() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(512);
        UsageEventCodec.write(sample(0), bytes);
        UsageEventCodec.write(sample(3), bytes);
        StringCache strings = new StringCache(10);
        UsageEvent a = new UsageEvent();
        UsageEventCodec.read(bytes, a, strings);
        String firstModel = a.model;
        String firstUser = a.userId;
        UsageEventCodec.read(bytes, a, strings);
        assertSame(firstModel, a.model);
        assertSame(firstUser, a.userId);
    }

    @Test
    void requestIdsAreTimeOrderedUuidV7() {
        long hi = RequestIds.newHigh(1_700_000_000_123L);
        assertEquals(1_700_000_000_123L, RequestIds.epochMillisOf(hi));
        java.util.UUID id = RequestIds.toUuid(hi, RequestIds.newLow());
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertTrue(RequestIds.format(RequestIds.newHigh(1), 0).compareTo(RequestIds.format(RequestIds.newHigh(2), 0)) < 0);
    }
}
