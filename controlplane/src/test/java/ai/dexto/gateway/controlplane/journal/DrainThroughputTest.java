package ai.dexto.gateway.controlplane.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.dexto.gateway.controlplane.config.JournalSettings;
import ai.dexto.gateway.controlplane.support.JournalWriter;
import ai.dexto.gateway.controlplane.support.TestDatabase;
import com.codahale.metrics.MetricRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures the drain: events/s from a journal already written to PostgreSQL committed, with the
 * production batch settings (2,000 events or 50 ms). Run alone:
 * {@code mvn -B -o -q -pl controlplane test -Dtest=DrainThroughputTest -Ddrain.events=200000};
 * the figure is written to {@code controlplane/target/drain-throughput.txt}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DrainThroughputTest {
    /** Deleted by JUnit after the test, with every journal under it. */
    @TempDir
    Path scratch;

    @Test
    void drainsAJournalBacklogAndReportsEventsPerSecond() throws Exception {
        int events = Integer.getInteger("drain.events", 40_000);
        int users = 1_000;
        try (TestDatabase db = new TestDatabase()) {
            for (int u = 0; u < users; u++) {
                db.createUser("tp-" + u, 1_000_000_000_000L);
            }
            Path root = Files.createTempDirectory(scratch, "journal-tp-");
            try (JournalWriter w = new JournalWriter(root.resolve("tp-node"), "tp-node")) {
                for (int i = 0; i < events; i++) {
                    w.write("tp-" + (i % users), 1 + (i % users), 1234, "openai/gpt-4o-mini");
                }
            }
            JournalSettings s = new JournalSettings();
            JournalDrain drain = new JournalDrain(s, root, db.transactions, DrainFaults.NONE, new MetricRegistry());
            long start = System.nanoTime();
            drain.start();
            while (db.queryLong("SELECT count(*) FROM usage_ledger") < events) {
                Thread.sleep(5);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            drain.stop();
            assertEquals(events, db.queryLong("SELECT count(*) FROM usage_ledger"));
            String line = String.format(Locale.ROOT, "drain: %d events, %d users, batch %d/%d ms: %.2f s, %.0f events/s%n",
                    events, users, s.batchSize, s.batchMillis, seconds, events / seconds);
            Files.writeString(Path.of("target/drain-throughput.txt"), line);
            System.out.print(line);
        }
    }
}
