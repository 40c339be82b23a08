package ai.dexto.gateway.bench.jmh;

import ai.dexto.gateway.dataplane.relay.ChunkFramer;
import ai.dexto.gateway.dataplane.relay.UsageScanner;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * The relay's per-chunk work on a client pipeline (HttpServerCodec, chunked response already
 * started), as StreamRelay's common path does it: scan the upstream's buffer in place, frame it with
 * {@link ChunkFramer} below the encoder and write it with the void promise, flush. The upstream buffer
 * is pooled and retained per operation (standing in for the decoder's reference), never copied.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@Fork(jvmArgsAppend = {"-Djmh.executor=CUSTOM",
        "-Djmh.executor.class=ai.dexto.gateway.bench.jmh.EventLoopLikeExecutor"})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RelayChunkBenchmark {
    private EmbeddedChannel client;
    private HttpContent chunk;
    private UsageScanner scanner;
    private ChunkFramer framer;

    @Setup
    public void setUp() {
        client = new EmbeddedChannel();
        client.pipeline().addLast("codec", new HttpServerCodec());
        client.config().setAllocator(io.netty.buffer.PooledByteBufAllocator.DEFAULT); // as the gateway configures it
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        // The server codec answers a request: feed it one so it is in the response state.
        client.writeInbound(client.alloc().buffer().writeBytes(
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        Object req;
        while ((req = client.readInbound()) != null) {
            ReferenceCountUtil.release(req);
        }
        client.writeAndFlush(head);
        drain();
        ByteBuf buf = client.alloc().directBuffer()
                .writeBytes(UsageScanBenchmark.TOKEN.getBytes(StandardCharsets.US_ASCII));
        chunk = new DefaultHttpContent(buf);
        scanner = new UsageScanner();
        framer = new ChunkFramer(client.pipeline().context("codec"));
    }

    @Benchmark
    public int relayOneChunk() {
        ByteBuf upstreamBytes = chunk.content().retain();
        scanner.scanSse(upstreamBytes);
        framer.write(upstreamBytes);
        framer.emit();
        client.flush();
        return drain();
    }

    private int drain() {
        int n = 0;
        Object out;
        while ((out = client.readOutbound()) != null) {
            if (out instanceof ByteBuf b) {
                n += b.readableBytes();
            }
            ReferenceCountUtil.release(out);
        }
        return n;
    }

    @TearDown
    public void tearDown() {
        chunk.release();
        client.finishAndReleaseAll();
    }
}
