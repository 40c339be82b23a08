package ai.dexto.gateway.bench.load;

import ai.dexto.gateway.e2e.LocalSystem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 15's warm-up target: a gateway started cold serves at least 80 % of its steady throughput
 * within 10 s of {@code /ready} answering 200. The probe stops the measured gateway, starts a new one
 * (a fresh JVM: its own warm-up runs before {@code /ready}), and from the moment {@code /ready}
 * answers measures closed-loop throughput one second at a time against the steady figure.
 */
final class WarmUpProbe {
    private final LocalSystem system;
    private final LoadGenerator generator;

    WarmUpProbe(LocalSystem system, LoadGenerator generator) {
        this.system = system;
        this.generator = generator;
    }

    /** Throughput per second after a cold start, as a share of {@code steady}; a line for the report. */
    String run(LoadTarget target, String workload, int connections, int seconds, double steady) throws Exception {
        system.stopGateway();
        long t0 = System.nanoTime();
        system.startGateway();
        double startSeconds = (System.nanoTime() - t0) / 1e9;
        List<String> shares = new ArrayList<>();
        int reached = -1;
        for (int s = 1; s <= seconds; s++) {
            LoadResult r = generator.closedLoop(target, workload, connections, 0, 1);
            double share = r.throughput() / steady;
            shares.add(String.format(Locale.ROOT, "%.0f%% (%.0f)", share * 100, r.throughput()));
            if (reached < 0 && share >= 0.8 && r.errors() == 0) {
                reached = s;
            }
        }
        return String.format(Locale.ROOT, "start to /ready %.1f s; then, second by second, %s of the steady %.0f req/s "
                        + "(%s); 80 %% %s", startSeconds, String.join(" ", shares), steady, workload,
                reached > 0 ? "reached in second " + reached : "not reached in " + seconds + " s");
    }
}
