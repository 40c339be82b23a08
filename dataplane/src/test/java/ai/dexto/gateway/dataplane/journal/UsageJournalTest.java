package ai.dexto.gateway.dataplane.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.dexto.gateway.common.usage.UsageQueues;
import ai.dexto.gateway.dataplane.credit.UserAccount;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageJournalTest {
    /** Deleted by JUnit after the test, with every journal under it. */
    @TempDir
    Path scratch;

    static Settlement settlement(UserAccount a, long billed, long reserved) {
        Settlement s = new Settlement();
        s.account = a;
        s.reservedNanos = reserved;
        s.draft.userId = a.userId();
        s.draft.model = "m";
        s.draft.billedCostNanos = billed;
        return s;
    }

    @Test
    void sequenceResumesAfterRestartAndSettlesTheAccount() throws Exception {
        Path dir = Files.createTempDirectory(scratch, "dexto-journal-");
        UserAccount a = new UserAccount("u");
        a.applyFeed(1000, 0, "paid", null, null, null);
        try (UsageJournal j = new UsageJournal(dir, "n1", 64)) {
            for (int i = 0; i < 3; i++) {
                a.tryReserve(100);
                j.publish(settlement(a, 10, 100));
            }
        }
        assertEquals(970, a.spendable());
        try (UsageJournal j = new UsageJournal(dir, "n1", 64)) {
            j.publish(settlement(a, 5, 0));
        }
        try (var q = UsageQueues.open(dir)) {
            var t = q.createTailer();
            var e = new ai.dexto.gateway.common.usage.UsageEvent();
            StringBuilder seqs = new StringBuilder();
            while (true) {
                try (var dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    ai.dexto.gateway.common.usage.UsageEventCodec.read(dc.wire().bytes(), e,
                            new ai.dexto.gateway.common.usage.StringCache(4));
                    seqs.append(e.nodeSequence).append(',');
                }
            }
            assertEquals("1,2,3,4,", seqs.toString());
            assertEquals(4, UsageJournal.lastSequence(q));
        }
        a.applyFeed(970, 3, "paid", null, null, null);
        assertEquals(965, a.spendable(), "sequence 4 is still this node's own unapplied spend");
    }
}
