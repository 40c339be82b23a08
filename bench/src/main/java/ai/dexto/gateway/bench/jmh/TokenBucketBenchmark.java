package ai.dexto.gateway.bench.jmh;

import ai.dexto.gateway.dataplane.ratelimit.TokenBucket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/** One bucket shared by two threads (the global bucket's situation): one CAS per acquire. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(jvmArgsAppend = {"-Djmh.executor=CUSTOM",
        "-Djmh.executor.class=ai.dexto.gateway.bench.jmh.EventLoopLikeExecutor"})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
public class TokenBucketBenchmark {
    /** 600 million a minute (an interval of 100 ns) with a deep burst: mostly accepted, always contended. */
    private final TokenBucket bucket = new TokenBucket(600_000_000L, 1_000_000L);

    @Benchmark
    public long acquireContended() {
        return bucket.tryAcquire(System.nanoTime());
    }
}
