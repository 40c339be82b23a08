package ai.dexto.gateway.controlplane.journal;

import static ai.dexto.gateway.controlplane.journal.JournalDrainTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageStatus;
import ai.dexto.gateway.controlplane.config.JournalSettings;
import ai.dexto.gateway.controlplane.support.JournalWriter;
import ai.dexto.gateway.controlplane.support.TestDatabase;
import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The drain refuses journals it cannot trust, stores schema v3 fields, and deletes applied cycles. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JournalSafetyTest {
    private static final long DAY = TimeUnit.DAYS.toMillis(1);

    @TempDir
    Path scratch;

    static TestDatabase db;

    @BeforeAll
    static void database() throws Exception {
        db = new TestDatabase();
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
    }

    private static JournalDrain drain(Path root, long retentionHours) {
        JournalSettings s = new JournalSettings();
        s.batchSize = 500;
        s.batchMillis = 20;
        s.rescanMillis = 100;
        s.retentionHours = retentionHours;
        s.retentionCheckMillis = 50;
        return new JournalDrain(s, root, db.transactions, DrainFaults.NONE, new MetricRegistry());
    }

    private static long rows(String user) throws SQLException {
        return db.queryLong("SELECT count(*) FROM usage_ledger WHERE user_id = ?", user);
    }

    private static long balance(String user) throws SQLException {
        return db.queryLong("SELECT balance_nanos FROM balances WHERE user_id = ?", user);
    }

    private static boolean rowsAre(String user, long n) {
        try {
            return rows(user) == n;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void pendingCostsAndReservationsAreStoredAndAPendingEventWithoutGenerationIsFinal() throws Exception {
        Path root = Files.createTempDirectory(scratch, "journal-");
        String user = "v3-user";
        db.createUser(user, 1_000_000_000L);
        try (JournalWriter w = new JournalWriter(root.resolve("node-v3"), "node-v3")) {
            UsageEvent pending = w.event(user, 1, 5_000, "m");
            pending.costPending = true;
            pending.reservedNanos = 5_000;
            pending.status = UsageStatus.SHUTDOWN;
            w.write(pending);
            UsageEvent noGeneration = w.event(user, 1, 7_000, "m");
            noGeneration.costPending = true;
            noGeneration.generationId.setLength(0);
            w.write(noGeneration);
            w.write(user, 1, 300, "m");
        }
        JournalDrain drain = drain(root, 72);
        drain.start();
        try {
            await(() -> rowsAre(user, 3), 20_000, "three rows");
        } finally {
            drain.stop();
        }
        assertEquals(1, db.queryLong("SELECT count(*) FROM usage_ledger WHERE user_id = ? AND cost_status = 'pending' "
                + "AND status = 'shutdown' AND reserved_nanos = 5000 AND generation_id IS NOT NULL", user));
        assertEquals(1, db.queryLong("SELECT count(*) FROM usage_ledger WHERE user_id = ? AND cost_status = 'final' "
                + "AND billed_cost_nanos = 7000 AND generation_id IS NULL", user));
        // provisional amounts are debited at once: the balance never shows more than the user may have
        assertEquals(1_000_000_000L - 12_300, balance(user));
    }

    @Test
    void anUndecodableEventStopsTheDrainLoudlyAfterBillingWhatCameBefore() throws Exception {
        Path root = Files.createTempDirectory(scratch, "journal-");
        String user = "garbage-user";
        db.createUser(user, 1_000_000_000L);
        try (JournalWriter w = new JournalWriter(root.resolve("node-g"), "node-g")) {
            for (int i = 0; i < 5; i++) {
                w.write(user, 1, 100, "m");
            }
            w.writeGarbage();
            for (int i = 0; i < 5; i++) {
                w.write(user, 1, 100, "m");
            }
        }
        JournalDrain drain = drain(root, 72);
        DrainHealthCheck health = new DrainHealthCheck(drain, 60);
        io.prometheus.metrics.model.registry.PrometheusRegistry prometheus =
                new io.prometheus.metrics.model.registry.PrometheusRegistry();
        DrainMetrics.register(drain, prometheus);
        drain.start();
        try {
            await(() -> !drain.halted().isEmpty(), 20_000, "the drain to halt");
            assertEquals(1.0, drainFailed(prometheus, "node-g"), "dexto_control_drain_failed{node=node-g}");
            assertTrue(drain.halted().get("node-g").contains("cannot be decoded"), drain.halted().toString());
            assertEquals(1, drain.status().get("node-g")[3]);
            assertFalse(health.execute().isHealthy());
            assertTrue(health.execute().getMessage().contains("drain halted"), health.execute().getMessage());
            assertEquals(5, rows(user), "the events before the bad one are billed");
        } finally {
            drain.stop();
        }
        // a restart does not skip it either
        JournalDrain again = drain(root, 72);
        again.start();
        try {
            await(() -> !again.halted().isEmpty(), 20_000, "the restarted drain to halt again");
            assertEquals(5, rows(user));
            assertEquals(1_000_000_000L - 500, balance(user));
        } finally {
            again.stop();
        }
    }

    @Test
    void aLostJournalDirectoryIsRefusedNotReplayedOrSkipped() throws Exception {
        Path root = Files.createTempDirectory(scratch, "journal-");
        String user = "lost-user";
        db.createUser(user, 1_000_000_000L);
        Path dir = root.resolve("node-lost");
        try (JournalWriter w = new JournalWriter(dir, "node-lost")) {
            for (int i = 0; i < 20; i++) {
                w.write(user, 1, 100, "m");
            }
        }
        drainUntil(root, user, 20);
        deleteTree(dir);
        // the node comes back on an empty directory: its indexes and sequences restart
        try (JournalWriter w = new JournalWriter(dir, "node-lost")) {
            for (int i = 0; i < 3; i++) {
                w.write(user, 1, 100, "m");
            }
        }
        JournalDrain drain = drain(root, 72);
        drain.start();
        try {
            await(() -> !drain.halted().isEmpty(), 20_000, "the drain to refuse the journal");
            assertTrue(drain.halted().get("node-lost").contains("lost or replaced"), drain.halted().toString());
            assertEquals(20, rows(user));
        } finally {
            drain.stop();
        }
    }

    @Test
    void aReplacedJournalWithMoreEventsThanTheStoredIndexIsRecognisedAndRefused() throws Exception {
        Path root = Files.createTempDirectory(scratch, "journal-");
        String user = "replaced-user";
        db.createUser(user, 1_000_000_000L);
        Path dir = root.resolve("node-r");
        try (JournalWriter w = new JournalWriter(dir, "node-r")) {
            for (int i = 0; i < 10; i++) {
                w.write(user, 1, 100, "m");
            }
        }
        drainUntil(root, user, 10);
        deleteTree(dir);
        try (JournalWriter w = new JournalWriter(dir, "node-r")) {
            for (int i = 0; i < 30; i++) { // the stored index exists again, holding another event
                w.write(user, 1, 100, "m");
            }
        }
        JournalDrain drain = drain(root, 72);
        drain.start();
        try {
            await(() -> !drain.halted().isEmpty(), 20_000, "the drain to refuse the journal");
            assertTrue(drain.halted().get("node-r").contains("replaced"), drain.halted().toString());
            assertEquals(10, rows(user));
        } finally {
            drain.stop();
        }
    }

    @Test
    void appliedCyclesOlderThanTheRetentionAreDeletedAndTheNewestIsKept() throws Exception {
        Path root = Files.createTempDirectory(scratch, "journal-");
        String user = "retention-user";
        db.createUser(user, 1_000_000_000L);
        Path dir = root.resolve("node-old");
        long today = System.currentTimeMillis() / DAY * DAY;
        SetTimeProvider clock = new SetTimeProvider(today - 4 * DAY + 1000);
        long sequence = 0;
        for (int day = 4; day >= 0; day--) {
            clock.currentTimeMillis(today - day * DAY + 1000);
            try (ChronicleQueue q = SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(RollCycles.FAST_DAILY)
                    .timeProvider(clock).build(); JournalWriter w = new JournalWriter(q, "node-old", sequence)) {
                for (int i = 0; i < 10; i++) {
                    w.write(user, 1, 100, "m");
                }
                sequence = w.sequence();
            }
        }
        assertEquals(5, cycleFiles(dir).size(), cycleFiles(dir).toString());
        JournalDrain drain = drain(root, 48);
        drain.start();
        try {
            await(() -> rowsAre(user, 50), 20_000, "every day's events");
            // days -4 and -3 ended more than 48 h ago; -2 ended less than 48 h ago
            await(() -> cycleFiles(dir).size() == 3, 20_000, "two old cycles deleted: " + cycleFiles(dir));
        } finally {
            drain.stop();
        }
        // the drain resumes exactly after its applied position, and a new event still bills
        try (JournalWriter w = new JournalWriter(SingleChronicleQueueBuilder.single(dir.toFile())
                .rollCycle(RollCycles.FAST_DAILY).build(), "node-old", sequence)) {
            w.write(user, 1, 100, "m");
        }
        drainUntil(root, user, 51);
        assertEquals(1_000_000_000L - 5_100, balance(user));
    }

    @Test
    void aUsageEventTakesUnderHalfAKilobyteOfJournal() throws Exception {
        Path dir = Files.createTempDirectory(scratch, "size-").resolve("node-size");
        int events = 20_000;
        long firstAt;
        long lastAt;
        try (JournalWriter w = new JournalWriter(dir, "node-size")) {
            for (int i = 0; i < events; i++) {
                UsageEvent e = w.event("user-" + java.util.UUID.randomUUID(), 123_456, 98_765, "openai/gpt-4o-mini");
                e.generationId.setLength(0);
                e.generationId.append("gen-").append(System.nanoTime()).append("-abcdefghijklmnopqrst");
                e.sessionId.append("session-0123456789");
                w.write(e);
            }
        }
        try (ChronicleQueue q = ai.dexto.gateway.common.usage.UsageQueues.open(dir);
             net.openhft.chronicle.queue.ExcerptTailer t = q.createTailer()) {
            try (net.openhft.chronicle.wire.DocumentContext dc = t.readingDocument()) {
                firstAt = dc.wire().bytes().readPosition();
            }
            t.moveToIndex(q.lastIndex());
            try (net.openhft.chronicle.wire.DocumentContext dc = t.readingDocument()) {
                lastAt = dc.wire().bytes().readPosition();
            }
        }
        double perEvent = (double) (lastAt - firstAt) / (events - 1);
        Files.writeString(Path.of("target/journal-bytes-per-event.txt"), String.format(
                "%.1f bytes per usage event on disk (%d events, 36-char user ids, index included); "
                        + "%.0f MB per million requests%n", perEvent, events, perEvent));
        assertTrue(perEvent > 100 && perEvent < 512, perEvent + " bytes per event");
    }

    private static double drainFailed(io.prometheus.metrics.model.registry.PrometheusRegistry registry, String node) {
        for (io.prometheus.metrics.model.snapshots.MetricSnapshot m : registry.scrape()) {
            if (m.getMetadata().getPrometheusName().equals("dexto_control_drain_failed")) {
                for (io.prometheus.metrics.model.snapshots.DataPointSnapshot p : m.getDataPoints()) {
                    if (node.equals(p.getLabels().get("node"))) {
                        return ((io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot) p).getValue();
                    }
                }
            }
        }
        return -1;
    }

    private void drainUntil(Path root, String user, long n) throws Exception {
        JournalDrain drain = drain(root, 72);
        drain.start();
        try {
            await(() -> rowsAre(user, n), 20_000, n + " rows");
            await(() -> drain.eventsBehind() == 0, 5_000, "caught up");
            assertTrue(drain.halted().isEmpty(), drain.halted().toString());
        } finally {
            drain.stop();
        }
    }

    private static List<String> cycleFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
