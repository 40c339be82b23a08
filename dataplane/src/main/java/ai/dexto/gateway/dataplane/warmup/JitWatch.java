package ai.dexto.gateway.dataplane.warmup;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * When to stop warming up: once the JIT has compiled what the warm-up traffic made hot. A fixed
 * warm-up is too short on a small box and too long on a big one — on 2 shared cores the C2 compiler
 * was still busy 17 s after a 5 s warm-up ended, and the node served a fifth of its steady rate
 * meanwhile (bench/RESULTS.md "Warm-up"). So the warm-up traffic runs until the JVM's total
 * compilation time has grown by less than {@link #QUIET_MILLIS_PER_SECOND} over a whole second,
 * after at least {@code minMillis} and at most {@code maxMillis}.
 */
final class JitWatch {
    /**
     * Compilation time (C1 and C2 together) per wall-clock second below which the JIT counts as done:
     * on 2 cores it runs at 1,000–2,000 ms a second for the warm-up's first ~20 s, then falls to a
     * background of 50–300 ms of late tier-ups it never quite finishes.
     */
    static final long QUIET_MILLIS_PER_SECOND = 150;

    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    private final long startedNanos = System.nanoTime();
    private final long minNanos;
    private final long maxNanos;
    private long windowStartNanos = startedNanos;
    private long windowStartCompileMillis;
    private boolean quiet;

    JitWatch(long minMillis, long maxMillis) {
        this.minNanos = Math.min(minMillis, maxMillis) * 1_000_000;
        this.maxNanos = maxMillis * 1_000_000;
        this.windowStartCompileMillis = compileMillis();
    }

    /** True once the warm-up may end; call it from one thread, as often as you like. */
    boolean done() {
        long now = System.nanoTime();
        if (now - startedNanos >= maxNanos) {
            return true;
        }
        if (now - windowStartNanos < 1_000_000_000L) {
            return false;
        }
        long compiled = compileMillis();
        quiet = compiled >= 0 && compiled - windowStartCompileMillis < QUIET_MILLIS_PER_SECOND;
        windowStartNanos = now;
        windowStartCompileMillis = compiled;
        return quiet && now - startedNanos >= minNanos;
    }

    /** Whether the warm-up ended because the JIT went quiet (not at the time limit). */
    boolean quiet() {
        return quiet;
    }

    long elapsedMillis() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** -1 where the JVM does not report it (then the warm-up runs to its limit). */
    private long compileMillis() {
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }
}
