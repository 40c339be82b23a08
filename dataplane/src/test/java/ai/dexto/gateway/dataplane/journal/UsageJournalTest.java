package ai.dexto.gateway.dataplane.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.usage.StringCache;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageEventCodec;
import ai.dexto.gateway.common.usage.UsageQueues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class UsageJournalTest {
    /** Deleted by JUnit after the test, with every journal under it. */
    @TempDir
    Path scratch;

    static void write(UsageJournal j, String user, long billed) {
        assertTrue(j.admit(1));
        long seq = j.claim();
        UsageEvent e = j.slot(seq);
        e.clear();
        e.userId = user;
        e.model = "m";
        e.billedCostNanos = billed;
        j.publish(seq);
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    @Test
    void sequencesResumeAfterARestart() throws Exception {
        Path dir = Files.createTempDirectory(scratch, "journal-");
        try (UsageJournal j = new UsageJournal(dir, "n1", 64, 0)) {
            for (int i = 0; i < 3; i++) {
                write(j, "u", 10);
            }
        }
        try (UsageJournal j = new UsageJournal(dir, "n1", 64, 0)) {
            write(j, "u", 5);
        }
        StringBuilder seqs = new StringBuilder();
        try (var q = UsageQueues.open(dir)) {
            var t = q.createTailer();
            UsageEvent e = new UsageEvent();
            while (true) {
                try (var dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    UsageEventCodec.read(dc.wire().bytes(), e, new StringCache(4));
                    seqs.append(e.nodeSequence).append(e.nodeId).append(',');
                }
            }
            assertEquals(4, UsageJournal.lastSequence(q));
        }
        assertEquals("1n1,2n1,3n1,4n1,", seqs.toString());
    }

    @Test
    void admissionNeverPromisesMoreThanTheRingHolds() throws Exception {
        try (UsageJournal j = new UsageJournal(Files.createTempDirectory(scratch, "journal-"), "n1", 8, 0)) {
            assertTrue(j.admit(6));
            assertTrue(j.admit(2));
            assertFalse(j.admit(1), "all eight slots are promised");
            j.unadmit(2);
            assertTrue(j.admit(2));
        }
    }

    @Test
    void aFailingWriterRefusesNewRequestsKeepsTheAdmittedOnesAndRecovers() throws Exception {
        try (UsageJournal j = new UsageJournal(Files.createTempDirectory(scratch, "journal-"), "n1", 64, 0)) {
            j.injectWriteFailures(true);
            assertTrue(j.admit(1), "admitted before anything failed");
            write(j, "u", 7); // uses its own fresh admission
            await(() -> !j.available(), "the writer to report its failure");
            assertFalse(j.admit(1), "a journal that cannot write admits nothing");
            long seq = j.claim(); // the request admitted before the failure still has its slot
            j.slot(seq).clear();
            j.slot(seq).userId = "v";
            j.publish(seq);
            assertEquals(0, j.written());
            assertTrue(j.unavailableReason().contains("injected"), j.unavailableReason());
            j.injectWriteFailures(false);
            await(() -> j.written() == 2, "both events to be written once the cause is gone");
            assertTrue(j.available());
            assertTrue(j.writeFailures() > 0);
        }
    }

    @Test
    void aDiskBelowItsFloorRefusesNewRequests() throws Exception {
        Path dir = Files.createTempDirectory(scratch, "journal-");
        long free = Files.getFileStore(dir).getUsableSpace();
        try (UsageJournal j = new UsageJournal(dir, "n1", 64, free + (1L << 40))) {
            assertFalse(j.available());
            assertFalse(j.admit(1));
            assertTrue(j.unavailableReason().contains("floor"), j.unavailableReason());
        }
    }
}
