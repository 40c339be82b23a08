package ai.dexto.gateway.controlplane.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.feed.FeedChanges;
import ai.dexto.gateway.common.feed.FeedTier;
import ai.dexto.gateway.common.feed.FeedUser;
import ai.dexto.gateway.controlplane.daos.LedgerDao;
import ai.dexto.gateway.controlplane.support.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Cursors are handed out in commit order, so a reader never skips a change that commits late. */
@Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
class FeedOrderingTest {
    static TestDatabase db;
    static FeedReader feed;

    @BeforeAll
    static void database() throws Exception {
        db = new TestDatabase();
        feed = new FeedReader(db.database.dataSource(), List.of(new FeedTier("free", 60, 10, false)), 7 * 24 * 3600L, 10);
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
    }

    @Test
    void aTransactionThatTookItsCursorFirstCommitsBeforeAnyLaterCursorBecomesVisible() throws Exception {
        db.createUser("late-a", 0);
        db.createUser("late-b", 0);
        long start = feed.headCursor();
        try (Connection a = db.database.dataSource().getConnection();
             Connection b = db.database.dataSource().getConnection()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            bump(a, "late-a");
            long cursorA = ChangeLog.append(a, List.of("late-a"), List.of());
            // b changes another user and wants a cursor while a is still open: it must wait for a
            CompletableFuture<Long> cursorB = CompletableFuture.supplyAsync(() -> {
                try {
                    bump(b, "late-b");
                    long cur = ChangeLog.append(b, List.of("late-b"), List.of());
                    b.commit();
                    return cur;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            assertFalse(cursorB.isDone(), "the later writer waits on the head row");
            FeedChanges seen = feed.changes("n", start);
            assertEquals(start, seen.cursor(), "nothing visible before the first committer commits");
            a.commit();
            long cb = cursorB.get(5, TimeUnit.SECONDS);
            assertTrue(cb > cursorA);
            FeedChanges after = feed.changes("n", start);
            assertEquals(cb, after.cursor());
            assertEquals(Set.of("late-a", "late-b"), Set.copyOf(after.users().stream().map(FeedUser::userId).toList()));
        }
    }

    @Test
    void aReaderFollowingConcurrentWritersEndsWithExactlyTheDatabaseState() throws Exception {
        int writers = 6;
        int perWriter = 40;
        for (int w = 0; w < writers; w++) {
            db.createUser("ord-" + w, 0);
        }
        long start = feed.headCursor();
        Map<String, Long> view = new HashMap<>();
        AtomicBoolean done = new AtomicBoolean();
        List<Long> cursors = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try {
            Future<?> reader = pool.submit(() -> {
                long cursor = start;
                while (true) {
                    boolean finished = done.get();
                    FeedChanges c = feed.changes("n", cursor);
                    assertFalse(c.resnapshot());
                    assertTrue(c.cursor() >= cursor);
                    for (FeedUser u : c.users()) {
                        view.put(u.userId(), u.balanceNanos());
                    }
                    cursors.add(c.cursor());
                    cursor = c.cursor();
                    if (finished) {
                        return null;
                    }
                }
            });
            List<Future<?>> work = new ArrayList<>();
            LedgerDao ledger = new LedgerDao(db.database.dataSource());
            for (int w = 0; w < writers; w++) {
                String user = "ord-" + w;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        db.transactions.inTransaction(t -> ledger.credit(t, user, 1, LedgerDao.Kind.ADMIN, "t", "t", null));
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
            done.set(true);
            reader.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        for (int w = 0; w < writers; w++) {
            assertEquals(perWriter, view.get("ord-" + w), "the reader's view of ord-" + w);
        }
        assertEquals(start + (long) writers * perWriter, cursors.get(cursors.size() - 1));
    }

    @Test
    void aReaderBehindThePrunedLogIsToldToResnapshot() throws Exception {
        db.createUser("pruned", 0);
        long before = feed.headCursor();
        LedgerDao ledger = new LedgerDao(db.database.dataSource());
        db.transactions.inTransaction(t -> ledger.credit(t, "pruned", 5, LedgerDao.Kind.ADMIN, "t", "t", null));
        long head = feed.headCursor();
        db.execute("UPDATE feed_changes SET created_at = now() - interval '2 days'");
        new FeedPruner(db.database.dataSource(), 24 * 3600).prune();
        assertTrue(feed.changes("n", before).resnapshot(), "changes after 'before' are gone");
        FeedChanges current = feed.changes("n", head);
        assertFalse(current.resnapshot(), "a reader at the head is still served");
        assertEquals(head, current.cursor());
    }

    private static void bump(Connection c, String user) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("UPDATE balances SET balance_nanos = balance_nanos + 1 WHERE user_id = ?")) {
            ps.setString(1, user);
            ps.executeUpdate();
        }
    }
}
