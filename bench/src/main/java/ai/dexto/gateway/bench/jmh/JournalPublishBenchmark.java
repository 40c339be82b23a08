package ai.dexto.gateway.bench.jmh;

import ai.dexto.gateway.dataplane.credit.UserAccount;
import ai.dexto.gateway.dataplane.journal.Settlement;
import ai.dexto.gateway.dataplane.journal.UsageJournal;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Step 7's hand-off as an event loop sees it: settle the account and tryPublish into the Disruptor
 * ring; the writer thread appends to a real Chronicle Queue meanwhile. A full ring is a counted drop,
 * reported after the run. The settled amount is zero so the account's unapplied-spend list (pruned
 * by the feed in production) does not grow across millions of operations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(jvmArgsAppend = {"-Djmh.executor=CUSTOM",
        "-Djmh.executor.class=ai.dexto.gateway.bench.jmh.EventLoopLikeExecutor"})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JournalPublishBenchmark {
    private UsageJournal journal;
    private Settlement settlement;

    @Setup
    public void setUp() throws Exception {
        journal = new UsageJournal(Files.createTempDirectory("dexto-jmh-journal-"), "bench-1", 1 << 16);
        UserAccount account = new UserAccount("bench-user");
        account.applyFeed(1_000_000_000L, 0, "unlimited", null, null, null);
        settlement = new Settlement();
        settlement.account = account;
        settlement.reservedNanos = 0;
        settlement.draft.userId = "bench-user";
        settlement.draft.model = "openai/gpt-4o-mini";
        settlement.draft.generationId.append("gen-1732449900-abcdefghijklmnopqrst");
        settlement.draft.promptTokens = 57;
        settlement.draft.completionTokens = 20;
    }

    @Benchmark
    public boolean publish() {
        return journal.publish(settlement);
    }

    @TearDown
    public void tearDown() {
        long drops = journal.drops();
        journal.close();
        System.out.println("journal: written=" + journal.written() + " dropped=" + drops);
    }
}
