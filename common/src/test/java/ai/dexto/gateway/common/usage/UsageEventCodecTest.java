package ai.dexto.gateway.common.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertEquals(0, bytes.readRemaining());
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
        bytes.writeByte((byte) 3);
        long lengthAt = bytes.writePosition();
        bytes.writeInt(0);
        long start = bytes.writePosition();
        UsageEventCodec.writeVersion1Fields(original, bytes);
        bytes.writeLong(original.cachedTokens);
        bytes.writeLong(original.reasoningTokens);
        bytes.writeLong(123456789L); // a field from the future
        bytes.writeInt(lengthAt, (int) (bytes.writePosition() - start));
        bytes.writeLong(0xBEEFL);

        UsageEvent read = new UsageEvent();
        UsageEventCodec.read(bytes, read, new StringCache(10));
        assertSameEvent(original, read);
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
