package ai.dexto.gateway.dataplane;

import java.time.Duration;

/** Waits for a condition with a deadline (polling it), instead of sleeping for time to pass. */
final class Await {
    /** A condition that may need I/O to check (a scrape, a journal read). */
    interface Condition {
        boolean met() throws Exception;
    }

    private Await() {
    }

    /** Returns as soon as {@code condition} holds; fails naming {@code what} when it has not within {@code within}. */
    static void until(String what, Duration within, Condition condition) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.met()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + within.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(5); // polling interval of the condition, bounded by the deadline
        }
    }

    static void until(String what, Condition condition) throws Exception {
        until(what, Duration.ofSeconds(10), condition);
    }
}
