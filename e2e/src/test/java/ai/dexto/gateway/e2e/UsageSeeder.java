package ai.dexto.gateway.e2e;

import ai.dexto.gateway.common.usage.RequestIds;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageEventCodec;
import ai.dexto.gateway.common.usage.UsageQueues;
import ai.dexto.gateway.common.usage.UsageStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Many usage events for one user, written as a gateway node of their own writes them (a journal
 * directory under the system's {@code journal/}), so the running control plane drains them through the
 * same path as real traffic. Spread evenly over this month so far (UTC), over two models.
 */
final class UsageSeeder {
    private UsageSeeder() {
    }

    static void seed(LocalSystem system, String userId, long keyId, int events, String... models) {
        String node = "seed-" + Long.toHexString(System.nanoTime());
        long start = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC)
                .toEpochMilli() * 1000;
        long span = Math.max(1, Instant.now().toEpochMilli() * 1000 - 60_000_000L - start);
        try (ChronicleQueue queue = UsageQueues.open(system.dataDir().resolve("journal").resolve(node));
             ExcerptAppender appender = queue.createAppender()) {
            UsageEvent e = new UsageEvent();
            for (int i = 0; i < events; i++) {
                e.clear();
                long at = start + span * i / events;
                e.requestIdHigh = RequestIds.newHigh(at / 1000);
                e.requestIdLow = RequestIds.newLow();
                e.nodeId = node;
                e.nodeSequence = i + 1;
                e.userId = userId;
                e.keyId = keyId;
                e.model = models[i % models.length];
                e.promptTokens = 10 + i % 7;
                e.completionTokens = 20 + i % 11;
                e.billedCostNanos = 1_000 + i % 997;
                e.upstreamCostNanos = e.billedCostNanos;
                e.status = UsageStatus.COMPLETED;
                e.streamed = true;
                e.httpStatus = 200;
                e.receivedAtMicros = at - 2_000;
                e.firstByteAtMicros = at - 1_000;
                e.completedAtMicros = at;
                try (DocumentContext dc = appender.writingDocument()) {
                    UsageEventCodec.write(e, dc.wire().bytes());
                }
            }
        }
    }
}
