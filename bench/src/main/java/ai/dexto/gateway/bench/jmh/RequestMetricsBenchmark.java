package ai.dexto.gateway.bench.jmh;

import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Everything one chat request records in the gateway's metrics (key-cache hit, request count and
 * duration, time to first byte, upstream time, overhead, cost and tokens), from two event loops at once
 * as in production: the contended cost a request pays for being observable.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(jvmArgsAppend = {"-Djmh.executor=CUSTOM",
        "-Djmh.executor.class=ai.dexto.gateway.bench.jmh.EventLoopLikeExecutor"})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
public class RequestMetricsBenchmark {
    private final GatewayMetrics metrics = new GatewayMetrics();

    @Benchmark
    public void oneChatRequest() {
        metrics.keyLookup("hit");
        metrics.timeToFirstByte(1_800_000);
        metrics.upstream(1_500_000);
        metrics.overhead(12_000);
        metrics.charged(5_200, 12, 20);
        metrics.request("chat", 200, 2_100_000);
    }
}
