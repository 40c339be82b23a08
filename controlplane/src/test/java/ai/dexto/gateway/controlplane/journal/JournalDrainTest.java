package ai.dexto.gateway.controlplane.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.controlplane.config.JournalSettings;
import ai.dexto.gateway.controlplane.daos.AuditDao;
import ai.dexto.gateway.controlplane.support.JournalWriter;
import ai.dexto.gateway.controlplane.support.TestDatabase;
import com.codahale.metrics.MetricRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 300, unit = TimeUnit.SECONDS)
class JournalDrainTest {
    /** Deleted by JUnit after the test, with every journal under it. */
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

    private static JournalDrain drain(Path root, DrainFaults faults) {
        JournalSettings s = new JournalSettings();
        s.batchSize = 500;
        s.batchMillis = 20;
        s.rescanMillis = 100;
        return new JournalDrain(s, root, db.transactions, faults, new MetricRegistry());
    }

    private static long usageRows(String user) throws SQLException {
        return db.queryLong("SELECT count(*) FROM usage_ledger WHERE user_id = ?", user);
    }

    private static long balance(String user) throws SQLException {
        return db.queryLong("SELECT balance_nanos FROM balances WHERE user_id = ?", user);
    }

    static void await(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    static BooleanSupplier rows(String user, long n) {
        return () -> {
            try {
                return usageRows(user) == n;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @Test
    void drainsEveryEventOnceDebitsBalancesAndRecordsPositions() throws Exception {
        Path root = Files.createTempDirectory(scratch, "journal-");
        String user = "drain-basic";
        db.createUser(user, 1_000_000_000L);
        try (JournalWriter a = new JournalWriter(root.resolve("node-a"), "node-a");
             JournalWriter b = new JournalWriter(root.resolve("node-b"), "node-b")) {
            for (int i = 0; i < 1200; i++) {
                a.write(user, 7, 1000, "m1");
                b.write(user, 7, 10, "m2");
            }
        }
        JournalDrain drain = drain(root, DrainFaults.NONE);
        drain.start();
        try {
            await(rows(user, 2400), 20_000, "all rows");
            await(() -> drain.eventsBehind() == 0, 5_000, "no lag");
        } finally {
            drain.stop();
        }
        assertEquals(1_000_000_000L - 1200 * 1010, balance(user));
        assertEquals(1200, db.queryLong("SELECT applied_sequence FROM balance_node_offsets WHERE user_id = ? "
                + "AND node_id = 'node-a'", user));
        assertEquals(1200, db.queryLong("SELECT applied_sequence FROM balance_node_offsets WHERE user_id = ? "
                + "AND node_id = 'node-b'", user));
        assertEquals(2, db.queryLong("SELECT count(*) FROM journal_offsets"));
        assertTrue(new AuditDao(db.database.dataSource()).audit().mismatches().isEmpty());
    }

    @Test
    void replayedRequestIdIsStoredAndBilledOnce() throws Exception {
        Path root = Files.createTempDirectory(scratch, "journal-");
        String user = "drain-replay";
        db.createUser(user, 1_000_000L);
        try (JournalWriter w = new JournalWriter(root.resolve("node-r"), "node-r")) {
            UsageEvent e = w.write(user, 1, 5000, "m");
            w.write(e);
            w.write(e);
        }
        JournalDrain drain = drain(root, DrainFaults.NONE);
        drain.start();
        try {
            await(() -> drain.status().containsKey("node-r") && drain.eventsBehind() == 0
                    && positionOf("node-r") == lastIndex(root.resolve("node-r")), 10_000, "drained");
        } finally {
            drain.stop();
        }
        assertEquals(1, usageRows(user));
        assertEquals(1_000_000L - 5000, balance(user));
    }

    @Test
    void restartAtAnyPointNeverLosesOrDoubleCountsAnEvent() throws Exception {
        Path root = Files.createTempDirectory(scratch, "journal-");
        String user = "drain-restart";
        db.createUser(user, 10_000_000_000L);
        AtomicInteger commits = new AtomicInteger();
        // every third batch fails just before its commit
        DrainFaults flaky = (queue, c) -> {
            if (commits.incrementAndGet() % 3 == 0) {
                throw new SQLException("injected failure before commit");
            }
        };
        int total = 0;
        try (JournalWriter w = new JournalWriter(root.resolve("node-x"), "node-x")) {
            for (int round = 0; round < 5; round++) {
                JournalDrain drain = drain(root, round % 2 == 0 ? flaky : DrainFaults.NONE);
                drain.start();
                for (int i = 0; i < 700; i++) {
                    w.write(user, 3, 100, "m");
                    total++;
                    if (i % 100 == 0) {
                        Thread.sleep(5);
                    }
                }
                Thread.sleep(30 + round * 20);
                drain.stop(); // stops mid-stream, wherever it is
            }
        }
        JournalDrain drain = drain(root, DrainFaults.NONE);
        drain.start();
        try {
            await(rows(user, total), 30_000, "every event once");
            await(() -> drain.eventsBehind() == 0, 5_000, "caught up");
        } finally {
            drain.stop();
        }
        assertEquals(total, usageRows(user));
        assertEquals(10_000_000_000L - total * 100L, balance(user));
        assertEquals(total, db.queryLong("SELECT applied_sequence FROM balance_node_offsets WHERE user_id = ?", user));
    }

    @Test
    void sessionKilledBetweenInsertAndCommitLeavesNothingAndTheRetryCountsOnce() throws Exception {
        Path root = Files.createTempDirectory(scratch, "journal-");
        String user = "drain-crash";
        db.createUser(user, 1_000_000_000L);
        AtomicBoolean crashed = new AtomicBoolean();
        AtomicBoolean invisibleBeforeCommit = new AtomicBoolean();
        DrainFaults crashOnce = (queue, c) -> {
            if (crashed.compareAndSet(false, true)) {
                // the batch's rows are inserted in this transaction but not visible to anyone else
                try {
                    invisibleBeforeCommit.set(usageRows(user) == 0);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pg_backend_pid())")) {
                    ps.execute(); // the server ends this session: as if the process died here
                }
            }
        };
        try (JournalWriter w = new JournalWriter(root.resolve("node-c"), "node-c")) {
            for (int i = 0; i < 300; i++) {
                w.write(user, 9, 1_000, "m");
            }
        }
        JournalDrain drain = drain(root, crashOnce);
        drain.start();
        try {
            await(rows(user, 300), 20_000, "all rows after the crash");
        } finally {
            drain.stop();
        }
        assertTrue(crashed.get());
        assertTrue(invisibleBeforeCommit.get());
        assertEquals(300, usageRows(user));
        assertEquals(1_000_000_000L - 300_000L, balance(user));
    }

    @Test
    void lagIsReportedAndTheHealthCheckFailsWhileTheDrainCannotCommit() throws Exception {
        Path root = Files.createTempDirectory(scratch, "journal-");
        String user = "drain-lag";
        db.createUser(user, 1_000_000_000L);
        AtomicBoolean broken = new AtomicBoolean(true);
        DrainFaults faults = (queue, c) -> {
            if (broken.get()) {
                throw new SQLException("database refuses");
            }
        };
        try (JournalWriter w = new JournalWriter(root.resolve("node-l"), "node-l")) {
            for (int i = 0; i < 250; i++) {
                w.write(user, 1, 1, "m");
            }
        }
        JournalDrain drain = drain(root, faults);
        DrainHealthCheck health = new DrainHealthCheck(drain, 60);
        drain.start();
        try {
            await(() -> drain.eventsBehind() == 250, 10_000, "lag of 250 events");
            await(() -> !health.execute().isHealthy(), 15_000, "unhealthy after repeated failures");
            broken.set(false);
            await(rows(user, 250), 20_000, "drained after recovery");
            await(() -> drain.eventsBehind() == 0 && health.execute().isHealthy(), 10_000, "healthy again");
        } finally {
            drain.stop();
        }
        assertFalse(broken.get());
    }

    @Test
    void aNewNodesJournalDirectoryIsPickedUpWithoutRestart() throws Exception {
        Path root = Files.createTempDirectory(scratch, "journal-");
        String user = "drain-newdir";
        db.createUser(user, 1_000_000_000L);
        JournalDrain drain = drain(root, DrainFaults.NONE);
        drain.start();
        try {
            Thread.sleep(150);
            try (JournalWriter w = new JournalWriter(root.resolve("node-late"), "node-late")) {
                for (int i = 0; i < 10; i++) {
                    w.write(user, 1, 1, "m");
                }
            }
            await(rows(user, 10), 10_000, "the late node's events");
        } finally {
            drain.stop();
        }
    }

    static long positionOf(String queue) {
        try {
            return db.queryLong("SELECT last_index FROM journal_offsets WHERE queue_id = ?", queue);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long lastIndex(Path dir) {
        try (var q = ai.dexto.gateway.common.usage.UsageQueues.open(dir)) {
            return q.lastIndex();
        }
    }
}
