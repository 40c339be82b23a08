package ai.dexto.gateway.bench.jmh;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs benchmark threads as Netty {@code FastThreadLocalThread}s, like the gateway's event loops, so
 * Netty's recyclers and pooled-allocator caches behave as they do in production (on plain threads
 * Netty 4.2 does not recycle pooled buffer objects). Selected with
 * {@code -Djmh.executor=CUSTOM -Djmh.executor.class=ai.dexto.gateway.bench.jmh.EventLoopLikeExecutor},
 * as Netty's own microbenchmarks do.
 */
public class EventLoopLikeExecutor extends ThreadPoolExecutor {
    public EventLoopLikeExecutor(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix));
    }
}
