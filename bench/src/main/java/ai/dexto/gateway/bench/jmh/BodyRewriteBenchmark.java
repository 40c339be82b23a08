package ai.dexto.gateway.bench.jmh;

import ai.dexto.gateway.dataplane.chat.ChatBody;
import ai.dexto.gateway.dataplane.chat.UpstreamBody;
import ai.dexto.gateway.dataplane.models.ModelInfo;
import java.util.List;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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

/**
 * Steps "decode" + "reserve": the strict streaming parse and validation of a ~1 KB chat body, then the
 * upstream body spliced from its bytes (usage accounting, injected max_tokens, provider.max_price).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@Fork(jvmArgsAppend = {"-Djmh.executor=CUSTOM",
        "-Djmh.executor.class=ai.dexto.gateway.bench.jmh.EventLoopLikeExecutor"})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BodyRewriteBenchmark {
    private static final List<ModelInfo> MODEL = List.of(new ModelInfo("openai/gpt-4o-mini", 150_000, 600_000,
            128_000, 16_384));
    private ByteBuf body;

    @Setup
    public void setUp() {
        String text = "Summarise the following support ticket in two sentences. ".repeat(12);
        String json = "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"temperature\":0.2,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"You are concise.\"},"
                + "{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        body = Unpooled.directBuffer().writeBytes(json.getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    public int parseAndRewrite() {
        ChatBody b = new ChatBody();
        if (!b.read(body)) {
            throw new IllegalStateException(b.error());
        }
        ByteBuf out = UpstreamBody.build(PooledByteBufAllocator.DEFAULT, body, b, 4096, MODEL);
        int n = out.readableBytes();
        out.release();
        return n;
    }
}
