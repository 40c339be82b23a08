package ai.dexto.gateway.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The gateway's own in-process time per chat request, as it exports it: the classic histogram
 * {@code dexto_gateway_overhead_seconds} on {@code /metrics} (total time minus time waiting on the
 * upstream). Scraped before and after a run; the difference is that run's histogram, and percentiles
 * are interpolated linearly inside the bucket they fall in (so they are as fine as the buckets).
 */
final class OverheadScrape {
    private static final String BUCKET = "dexto_gateway_overhead_seconds_bucket{le=\"";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Cumulative counts by upper bound in seconds ({@code +Inf} as {@link Double#POSITIVE_INFINITY}). */
    final TreeMap<Double, Long> cumulative;

    private OverheadScrape(TreeMap<Double, Long> cumulative) {
        this.cumulative = cumulative;
    }

    static OverheadScrape of(String opsUrl) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(opsUrl + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return parse(r.body());
    }

    static OverheadScrape parse(String text) {
        TreeMap<Double, Long> counts = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith(BUCKET)) {
                continue;
            }
            int close = line.indexOf('"', BUCKET.length());
            String le = line.substring(BUCKET.length(), close);
            double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
            String value = line.substring(line.lastIndexOf(' ') + 1);
            counts.put(bound, (long) Double.parseDouble(value));
        }
        return new OverheadScrape(counts);
    }

    /** This run's histogram: {@code this} (after) minus {@code before}. */
    OverheadScrape minus(OverheadScrape before) {
        TreeMap<Double, Long> d = new TreeMap<>();
        cumulative.forEach((bound, n) -> d.put(bound, n - before.cumulative.getOrDefault(bound, 0L)));
        return new OverheadScrape(d);
    }

    long count() {
        return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
    }

    /** The percentile in microseconds, interpolated within its bucket; NaN without observations. */
    double percentileMicros(double percentile) {
        long total = count();
        if (total == 0) {
            return Double.NaN;
        }
        double rank = total * percentile / 100.0;
        double lower = 0;
        long below = 0;
        for (var e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                if (e.getKey().isInfinite()) {
                    return lower * 1e6; // beyond the last finite bound: report that bound
                }
                long inBucket = e.getValue() - below;
                double fraction = inBucket == 0 ? 1 : (rank - below) / inBucket;
                return (lower + (e.getKey() - lower) * fraction) * 1e6;
            }
            lower = e.getKey().isInfinite() ? lower : e.getKey();
            below = e.getValue();
        }
        return lower * 1e6;
    }

    String summary() {
        return String.format(Locale.ROOT, "p50 %.1f µs, p99 %.1f µs (%d requests)", percentileMicros(50),
                percentileMicros(99), count());
    }
}
