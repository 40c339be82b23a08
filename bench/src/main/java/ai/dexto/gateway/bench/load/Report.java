package ai.dexto.gateway.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Formats a harness run as markdown: one row per run, then the gateway's ratios. */
final class Report {
    private Report() {
    }

    static String line(LoadResult r) {
        return String.format(Locale.ROOT, "%-8s %-13s %-11s %8.0f req/s  p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms"
                        + "  ttfb p50 %7.3f ms  errors %d",
                r.target(), r.workload(), r.mode(), r.throughput(), r.latencyMillis(50), r.latencyMillis(99),
                r.latencyMillis(99.9), r.ttfbMillis(50), r.errors())
                + (r.overhead() == null ? "" : "  overhead " + r.overhead().summary());
    }

    static String markdown(List<LoadResult> results, Map<String, String> notes, int connections, int rate, int chunks,
                           double seconds, double warmup) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Connections %d, fixed rate %d/s, streamed answers %d chunks, "
                + "%.0f s measured after %.0f s warm-up per run.%n%n", connections, rate, chunks, seconds, warmup));
        md.append("| target | workload | mode | req/s | p50 ms | p99 ms | p99.9 ms | TTFB p50 ms | TTFB p99 ms | errors |\n");
        md.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (LoadResult r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f | %.3f | %.3f | %.3f | %.3f | %.3f | %d |%n",
                    r.target(), r.workload(), r.mode(), r.throughput(), r.latencyMillis(50), r.latencyMillis(99),
                    r.latencyMillis(99.9), r.ttfbMillis(50), r.ttfbMillis(99), r.errors()));
        }
        md.append("\n| workload | mode | gateway/direct req/s | gateway/nginx req/s | gateway−direct p50 ms | gateway−direct p99 ms "
                + "| gateway overhead p50 µs | overhead p99 µs |\n");
        md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (LoadResult g : results) {
            if (!g.target().equals("gateway")) {
                continue;
            }
            LoadResult d = find(results, "direct", g);
            LoadResult n = find(results, "nginx", g);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", g.workload(), g.mode(),
                    d == null ? "–" : ratio(g.throughput(), d.throughput()),
                    n == null ? "–" : ratio(g.throughput(), n.throughput()),
                    d == null ? "–" : String.format(Locale.ROOT, "%.3f", g.latencyMillis(50) - d.latencyMillis(50)),
                    d == null ? "–" : String.format(Locale.ROOT, "%.3f", g.latencyMillis(99) - d.latencyMillis(99)),
                    micros(g, 50), micros(g, 99)));
        }
        if (!notes.isEmpty()) {
            md.append('\n');
            notes.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        }
        return md.toString();
    }

    static String percentiles(org.HdrHistogram.Histogram micros) {
        return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
                micros.getMaxValue() / 1000.0);
    }

    private static LoadResult find(List<LoadResult> results, String target, LoadResult like) {
        for (LoadResult r : results) {
            if (r.target().equals(target) && r.workload().equals(like.workload()) && r.mode().equals(like.mode())) {
                return r;
            }
        }
        return null;
    }

    private static String micros(LoadResult g, double percentile) {
        return g.overhead() == null || g.overhead().count() == 0 ? "–"
                : String.format(Locale.ROOT, "%.1f", g.overhead().percentileMicros(percentile));
    }

    private static String ratio(double a, double b) {
        return b == 0 ? "–" : String.format(Locale.ROOT, "%.2f", a / b);
    }
}
