package ai.dexto.gateway.dataplane.relay;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every chat exchange of the node that has not settled yet, so a stopping gateway can let them
 * finish for a grace period, then cut and settle each one before the journal closes.
 */
public final class ExchangeRegistry {
    private final Set<ExchangeCore> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    void add(ExchangeCore e) {
        open.add(e);
    }

    void remove(ExchangeCore e) {
        if (open.remove(e) && open.isEmpty()) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Waits until every exchange has settled, up to {@code nanos}; true when none is left. */
    public synchronized boolean awaitSettled(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (!open.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    public int open() {
        return open.size();
    }

    public boolean stopping() {
        return stopping;
    }

    /** From now on new chats are refused (503) and open ones see {@link #stopping()}. */
    public void stop() {
        stopping = true;
    }

    /** Cuts every open exchange (on its own event loop): streams end with an error event, then settle. */
    public void cutAll() {
        for (ExchangeCore e : open) {
            e.cut();
        }
    }
}
