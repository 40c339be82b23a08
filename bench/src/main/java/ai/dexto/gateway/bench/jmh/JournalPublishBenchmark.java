package ai.dexto.gateway.bench.jmh;

import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.dataplane.account.UserAccount;
import ai.dexto.gateway.dataplane.credit.Settler;
import ai.dexto.gateway.dataplane.journal.UsageJournal;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
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
 * Settlement as an event loop does it: admit (journal room for the request), then claim → settle the
 * account → fill → publish into the Disruptor ring; the writer thread appends to a real Chronicle
 * Queue meanwhile. When the writer falls behind, admission refuses (the request would be a 503) and
 * the operation measures that refusal; refusals are reported after the run. The settled amount is zero
 * so the account's unapplied-spend list (pruned by the feed in production) does not grow.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(jvmArgsAppend = {"-Djmh.executor=CUSTOM",
        "-Djmh.executor.class=ai.dexto.gateway.bench.jmh.EventLoopLikeExecutor"})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JournalPublishBenchmark {
    private UsageJournal journal;
    private Settler settler;
    private UserAccount account;
    private final UsageEvent draft = new UsageEvent();

    @Setup
    public void setUp() throws Exception {
        journal = new UsageJournal(Files.createTempDirectory("dexto-jmh-journal-"), "bench-1", 1 << 16, 0);
        settler = new Settler(journal, new GatewayMetrics());
        account = new UserAccount("bench-user");
        account.applyFeed(1_000_000_000L, 0, "unlimited", null, null, null);
        draft.userId = "bench-user";
        draft.model = "openai/gpt-4o-mini";
        draft.generationId.append("gen-1732449900-abcdefghijklmnopqrst");
        draft.promptTokens = 57;
        draft.completionTokens = 20;
    }

    @Benchmark
    public long admitAndSettle() {
        if (!settler.admit()) {
            return -1;
        }
        return settler.settle(account, 0, draft, false);
    }

    @TearDown
    public void tearDown() {
        long refused = journal.refusedAdmissions();
        journal.close();
        System.out.println("journal: written=" + journal.written() + " refused admissions=" + refused);
    }
}
