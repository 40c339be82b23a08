package ai.dexto.gateway.controlplane.journal;

import static ai.dexto.gateway.controlplane.journal.JournalDrainTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.controlplane.config.DatabaseSettings;
import ai.dexto.gateway.controlplane.config.JournalSettings;
import ai.dexto.gateway.controlplane.daos.AuditDao;
import ai.dexto.gateway.controlplane.db.Database;
import ai.dexto.gateway.controlplane.db.Transactions;
import ai.dexto.gateway.controlplane.feed.FeedNotifier;
import ai.dexto.gateway.controlplane.support.JournalWriter;
import com.codahale.metrics.MetricRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the local run's (durable, embedded) PostgreSQL while the drain commits batches, then a
 * restart on the same data: every journaled event is billed exactly once and the audit holds.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PostgresCrashTest {
    @TempDir
    Path scratch;

    private static long query(Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    private static JournalDrain drain(Path root, Transactions tx, DrainFaults faults) {
        JournalSettings s = new JournalSettings();
        s.batchSize = 200;
        s.batchMillis = 5;
        s.rescanMillis = 100;
        return new JournalDrain(s, root, tx, faults, new MetricRegistry());
    }

    @Test
    void killingPostgresMidDrainLosesAndDoublesNothing() throws Exception {
        Path dataDir = scratch.resolve("data");
        Path root = scratch.resolve("journal");
        int total = 6_000;
        DatabaseSettings settings = new DatabaseSettings(); // no URL: the embedded, durable server
        settings.connectionTimeoutMillis = 2_000;
        Database first = Database.open(settings, dataDir, null, null);
        first.migrate();
        try (Connection c = first.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO users (id) VALUES ('crash-user')");
            s.execute("INSERT INTO balances (user_id, balance_nanos, lifetime_credit_nanos) VALUES ('crash-user', 1000000000, 1000000000)");
            s.execute("INSERT INTO credit_ledger (user_id, amount_nanos, kind, reason, actor) "
                    + "VALUES ('crash-user', 1000000000, 'admin', 'test', 'test')");
        }
        try (JournalWriter w = new JournalWriter(root.resolve("node-pg"), "node-pg")) {
            for (int i = 0; i < total; i++) {
                w.write("crash-user", 1, 100, "m");
            }
        }
        // the third batch is held between its insert and its commit until the server is dead, so the
        // kill lands mid-drain, inside a transaction, however fast this machine drains
        AtomicInteger batches = new AtomicInteger();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch killed = new CountDownLatch(1);
        DrainFaults holdTheThirdBatch = (queue, connection) -> {
            if (batches.incrementAndGet() == 3) {
                held.countDown();
                try {
                    killed.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        JournalDrain drain = drain(root, new Transactions(first.dataSource(), new FeedNotifier()), holdTheThirdBatch);
        drain.start();
        try {
            assertTrue(held.await(30, TimeUnit.SECONDS), "the drain never reached its third batch");
            long committed = query(first, "SELECT count(*) FROM usage_ledger");
            assertTrue(committed > 0 && committed < total, "batches before the held one committed: " + committed);
            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
            assertEquals(0, kill.waitFor());
            await(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), 10_000, "postgres gone");
        } finally {
            killed.countDown();
            drain.stop();
            first.close(); // the pool; the server is already dead
        }

        Database second = Database.open(settings, dataDir, null, null);
        try {
            second.migrate();
            long afterCrash = query(second, "SELECT count(*) FROM usage_ledger");
            assertTrue(afterCrash < total, "the kill landed mid-drain (" + afterCrash + " of " + total + ")");
            JournalDrain again = drain(root, new Transactions(second.dataSource(), new FeedNotifier()), DrainFaults.NONE);
            again.start();
            try {
                await(() -> {
                    try {
                        return query(second, "SELECT count(*) FROM usage_ledger") == total;
                    } catch (Exception e) {
                        return false;
                    }
                }, 60_000, "every event after the restart");
                await(() -> again.eventsBehind() == 0, 10_000, "caught up");
            } finally {
                again.stop();
            }
            assertEquals(total, query(second, "SELECT count(DISTINCT request_id) FROM usage_ledger"));
            assertEquals(1_000_000_000L - total * 100L,
                    query(second, "SELECT balance_nanos FROM balances WHERE user_id = 'crash-user'"));
            assertEquals(total, query(second, "SELECT applied_sequence FROM balance_node_offsets WHERE user_id = 'crash-user'"));
            assertTrue(new AuditDao(second.dataSource()).audit().mismatches().isEmpty());
        } finally {
            second.close();
        }
    }
}
