package ai.dexto.gateway.bench.jmh;

import ai.dexto.gateway.dataplane.relay.UsageScanner;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Step 6's in-place scan of SSE bytes: a token chunk (the common case) and the final usage chunk. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@Fork(jvmArgsAppend = {"-Djmh.executor=CUSTOM",
        "-Djmh.executor.class=ai.dexto.gateway.bench.jmh.EventLoopLikeExecutor"})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UsageScanBenchmark {
    static final String TOKEN = "data: {\"id\":\"gen-1732449900-abcdefghijklmnopqrst\",\"provider\":\"OpenAI\","
            + "\"model\":\"openai/gpt-4o-mini\",\"object\":\"chat.completion.chunk\",\"created\":1732449900,"
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\" gateway\"},"
            + "\"finish_reason\":null,\"native_finish_reason\":null,\"logprobs\":null}]}\n\n";
    static final String USAGE = "data: {\"id\":\"gen-1732449900-abcdefghijklmnopqrst\",\"provider\":\"OpenAI\","
            + "\"model\":\"openai/gpt-4o-mini\",\"object\":\"chat.completion.chunk\",\"created\":1732449900,"
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":57,\"completion_tokens\":20,\"total_tokens\":77,"
            + "\"cost\":0.00002055,\"is_byok\":false,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
            + "\"cost_details\":{\"upstream_inference_cost\":null},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n";

    private ByteBuf token;
    private ByteBuf usage;
    private UsageScanner scanner;

    @Setup
    public void setUp() {
        token = Unpooled.directBuffer().writeBytes(TOKEN.getBytes(StandardCharsets.US_ASCII));
        usage = Unpooled.directBuffer().writeBytes(USAGE.getBytes(StandardCharsets.US_ASCII));
        scanner = new UsageScanner();
        scanner.scanSse(token);
    }

    @Benchmark
    public int tokenChunk() {
        scanner.scanSse(token);
        return scanner.doneAt;
    }

    @Benchmark
    public long usageChunk() {
        scanner.scanSse(usage);
        return scanner.costNanos;
    }
}
