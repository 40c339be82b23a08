package ai.dexto.gateway.dataplane.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The pooled memory all request bodies being read or relayed may hold at once on this node. A body
 * takes its bytes before they are read (by {@code Content-Length}, or as a chunked body grows) and
 * gives them back when its request is finished; a body that does not fit is refused (503).
 */
public final class BodyBudget {
    private final long maxBytes;
    private final AtomicLong held = new AtomicLong();

    public BodyBudget(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    boolean tryTake(long bytes) {
        while (true) {
            long h = held.get();
            if (h + bytes > maxBytes) {
                return false;
            }
            if (held.compareAndSet(h, h + bytes)) {
                return true;
            }
        }
    }

    void give(long bytes) {
        held.addAndGet(-bytes);
    }

    public long held() {
        return held.get();
    }
}
