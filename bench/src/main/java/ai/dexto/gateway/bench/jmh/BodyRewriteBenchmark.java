package ai.dexto.gateway.bench.jmh;

import ai.dexto.gateway.dataplane.credit.ChatBody;
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

/** Step 4: streaming parse + validation + rewrite (usage accounting, injected max_tokens) of a ~1 KB body. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@Fork(jvmArgsAppend = {"-Djmh.executor=CUSTOM",
        "-Djmh.executor.class=ai.dexto.gateway.bench.jmh.EventLoopLikeExecutor"})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BodyRewriteBenchmark {
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
        if (!b.read(body, PooledByteBufAllocator.DEFAULT)) {
            throw new IllegalStateException(b.error());
        }
        ByteBuf out = b.finish(4096);
        int n = out.readableBytes();
        out.release();
        return n;
    }
}
