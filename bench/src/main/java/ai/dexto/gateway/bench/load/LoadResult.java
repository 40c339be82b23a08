package ai.dexto.gateway.bench.load;

import org.HdrHistogram.Histogram;

/**
 * What one run measured. Latencies are microseconds; for fixed-rate runs they are measured from each
 * request's intended start, so a stalled server is charged for the requests it delayed
 * (coordinated-omission safe). {@code overhead} is the gateway's own exported in-process time over the
 * run (null for the other targets).
 */
public record LoadResult(String target, String workload, String mode, int connections, int targetRate,
                         double seconds, long completed, long errors, Histogram latencyMicros,
                         Histogram ttfbMicros, OverheadScrape overhead) {

    public LoadResult(String target, String workload, String mode, int connections, int targetRate, double seconds,
                      long completed, long errors, Histogram latencyMicros, Histogram ttfbMicros) {
        this(target, workload, mode, connections, targetRate, seconds, completed, errors, latencyMicros, ttfbMicros,
                null);
    }

    LoadResult withOverhead(OverheadScrape o) {
        return new LoadResult(target, workload, mode, connections, targetRate, seconds, completed, errors,
                latencyMicros, ttfbMicros, o);
    }

    public double throughput() {
        return completed / seconds;
    }

    public double latencyMillis(double percentile) {
        return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    public double ttfbMillis(double percentile) {
        return ttfbMicros.getValueAtPercentile(percentile) / 1000.0;
    }
}
