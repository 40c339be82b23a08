package ai.dexto.gateway.controlplane.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageStatus;
import ai.dexto.gateway.controlplane.config.JournalSettings;
import ai.dexto.gateway.controlplane.daos.AuditDao;
import ai.dexto.gateway.controlplane.support.JournalWriter;
import ai.dexto.gateway.controlplane.support.TestDatabase;
import com.codahale.metrics.MetricRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream's two journal records (TEAM contract 2): the in-flight record makes a pending row of cost
 * 0 that bills nothing; the final record completes that row once — in a later batch or the same
 * one — and a replay of either changes nothing. The daily rollup counts the request once, complete.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InFlightRecordsTest {
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

    private static JournalDrain drain(Path root) {
        JournalSettings s = new JournalSettings();
        s.batchSize = 500;
        s.batchMillis = 20;
        s.rescanMillis = 100;
        return new JournalDrain(s, root, db.transactions, DrainFaults.NONE, new MetricRegistry());
    }

    private static UsageEvent inFlight(JournalWriter w, UsageEvent fin) {
        UsageEvent e = new UsageEvent();
        e.copyFrom(fin);
        e.status = UsageStatus.IN_FLIGHT;
        e.billedCostNanos = 0;
        e.upstreamCostNanos = 0;
        e.promptTokens = 0;
        e.completionTokens = 0;
        e.costPending = true;
        e.httpStatus = 200;
        e.completedAtMicros = 0;
        return e;
    }

    private static void drainUntil(Path root, String node, long events) throws Exception {
        JournalDrain drain = drain(root);
        drain.start();
        try {
            JournalDrainTest.await(() -> {
                try {
                    return db.queryLong("SELECT count(*) FROM journal_offsets WHERE queue_id LIKE ?", "%" + node + "%") == 1
                            && drain.eventsBehind() == 0
                            && db.queryLong("SELECT coalesce(max(node_sequence), 0) FROM usage_ledger WHERE node_id = ?", node)
                            >= events;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, 20_000, "the journal drained");
        } finally {
            drain.stop();
        }
    }

    @Test
    void aFinalRecordInALaterBatchCompletesTheInFlightRowOnce() throws Exception {
        Path root = Files.createTempDirectory(scratch, "journal-");
        String user = "inflight-later";
        db.createUser(user, 1_000_000L);
        UsageEvent fin;
        try (JournalWriter w = new JournalWriter(root.resolve("node-l"), "node-l")) {
            fin = w.event(user, 3, 5000, "m");
            UsageEvent intent = inFlight(w, fin);
            intent.nodeSequence = fin.nodeSequence;
            w.write(intent);
        }
        drainUntil(root, "node-l", fin.nodeSequence);
        assertEquals("in_flight", db.queryString("SELECT status FROM usage_ledger WHERE user_id = ?", user));
        assertEquals("pending", db.queryString("SELECT cost_status FROM usage_ledger WHERE user_id = ?", user));
        assertEquals(1_000_000L, db.queryLong("SELECT balance_nanos FROM balances WHERE user_id = ?", user),
                "an intent bills nothing");
        assertEquals(0, db.queryLong("SELECT coalesce(sum(requests), 0) FROM usage_daily WHERE user_id = ?", user));

        try (JournalWriter w = new JournalWriter(root.resolve("node-l"), "node-l")) {
            fin.nodeSequence = 2;
            w.write(fin);
            w.write(fin); // a replay
        }
        drainUntil(root, "node-l", 2);
        assertEquals(1, db.queryLong("SELECT count(*) FROM usage_ledger WHERE user_id = ?", user));
        assertEquals("completed", db.queryString("SELECT status FROM usage_ledger WHERE user_id = ?", user));
        assertEquals("final", db.queryString("SELECT cost_status FROM usage_ledger WHERE user_id = ?", user));
        assertEquals(5000, db.queryLong("SELECT billed_cost_nanos FROM usage_ledger WHERE user_id = ?", user));
        assertEquals(1_000_000L - 5000, db.queryLong("SELECT balance_nanos FROM balances WHERE user_id = ?", user),
                "billed once, by the final record");
        assertEquals(1, db.queryLong("SELECT sum(requests) FROM usage_daily WHERE user_id = ?", user));
        assertEquals(5000, db.queryLong("SELECT sum(cost_nanos) FROM usage_daily WHERE user_id = ?", user));
        assertTrue(new AuditDao(db.database.dataSource()).audit().mismatches().isEmpty());
    }

    @Test
    void bothRecordsInOneBatchLeaveOneFinalRow() throws Exception {
        Path root = Files.createTempDirectory(scratch, "journal-");
        String user = "inflight-same";
        db.createUser(user, 1_000_000L);
        try (JournalWriter w = new JournalWriter(root.resolve("node-s"), "node-s")) {
            UsageEvent fin = w.event(user, 3, 7000, "m");
            UsageEvent intent = inFlight(w, fin);
            intent.nodeSequence = fin.nodeSequence;
            fin.nodeSequence = fin.nodeSequence + 1;
            w.write(intent);
            w.write(fin);
        }
        drainUntil(root, "node-s", 2);
        assertEquals(1, db.queryLong("SELECT count(*) FROM usage_ledger WHERE user_id = ?", user));
        assertEquals("completed", db.queryString("SELECT status FROM usage_ledger WHERE user_id = ?", user));
        assertEquals(1_000_000L - 7000, db.queryLong("SELECT balance_nanos FROM balances WHERE user_id = ?", user));
        assertEquals(1, db.queryLong("SELECT sum(requests) FROM usage_daily WHERE user_id = ?", user));
        assertEquals(2, db.queryLong("SELECT applied_sequence FROM balance_node_offsets WHERE user_id = ? "
                + "AND node_id = 'node-s'", user), "the node's last sequence is applied");
    }
}
