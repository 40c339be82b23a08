package ai.dexto.gateway.controlplane.feed;

/**
 * Wakes long-polling feed readers right after a changing transaction commits. Readers re-check the
 * database, so a missed or spurious wake-up costs at most one poll interval, never a change.
 */
public final class FeedNotifier implements io.dropwizard.lifecycle.Managed {
    private long generation;
    private boolean closed;

    /** On shutdown (before the database stops): waiting readers return at once with what they have. */
    @Override
    public synchronized void stop() {
        closed = true;
        notifyAll();
    }

    public synchronized boolean closed() {
        return closed;
    }

    public synchronized void signal() {
        generation++;
        notifyAll();
    }

    public synchronized long generation() {
        return generation;
    }

    /** Waits until a signal after {@code seen}, or {@code millis} passed. */
    public synchronized void awaitAfter(long seen, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (generation == seen && !closed) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return;
            }
            wait(left);
        }
    }
}
