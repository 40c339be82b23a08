package ai.dexto.gateway.controlplane.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Exposes Dropwizard's metric registry (Jetty, JVM, HikariCP, the drain) as Prometheus metrics:
 * gauges as gauges, counters, meters and timer counts as counters, timer and histogram quantiles as
 * gauges (timers in seconds). Names become legacy-safe ({@code io.dropwizard.x-y} → {@code io_dropwizard_x_y}).
 */
public final class DropwizardBridge implements MultiCollector {
    private final MetricRegistry registry;

    public DropwizardBridge(MetricRegistry registry) {
        this.registry = registry;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, Gauge> e : registry.getGauges().entrySet()) {
            Object v = safeValue(e.getValue());
            if (v instanceof Number n) {
                gauge(out, names, name(e.getKey()), n.doubleValue());
            } else if (v instanceof Boolean b) {
                gauge(out, names, name(e.getKey()), b ? 1 : 0);
            }
        }
        for (Map.Entry<String, Counter> e : registry.getCounters().entrySet()) {
            counter(out, names, name(e.getKey()), e.getValue().getCount());
        }
        for (Map.Entry<String, Meter> e : registry.getMeters().entrySet()) {
            String n = name(e.getKey());
            counter(out, names, n, e.getValue().getCount());
            gauge(out, names, n + "_rate_1m", e.getValue().getOneMinuteRate());
        }
        for (Map.Entry<String, Timer> e : registry.getTimers().entrySet()) {
            String n = name(e.getKey());
            counter(out, names, n, e.getValue().getCount());
            quantiles(out, names, n + "_seconds", e.getValue().getSnapshot(), 1e-9);
        }
        for (Map.Entry<String, Histogram> e : registry.getHistograms().entrySet()) {
            String n = name(e.getKey());
            counter(out, names, n, e.getValue().getCount());
            quantiles(out, names, n, e.getValue().getSnapshot(), 1);
        }
        return new MetricSnapshots(out);
    }

    private static Object safeValue(Gauge<?> g) {
        try {
            return g.getValue();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void quantiles(List<MetricSnapshot> out, Set<String> names, String n, Snapshot s, double scale) {
        gauge(out, names, n + "_p50", s.getMedian() * scale);
        gauge(out, names, n + "_p99", s.get99thPercentile() * scale);
        gauge(out, names, n + "_max", s.getMax() * scale);
    }

    private static void gauge(List<MetricSnapshot> out, Set<String> names, String n, double value) {
        if (names.add(n)) {
            out.add(GaugeSnapshot.builder().name(n)
                    .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build());
        }
    }

    private static void counter(List<MetricSnapshot> out, Set<String> names, String n, long value) {
        if (names.add(n + "_total")) {
            out.add(CounterSnapshot.builder().name(n)
                    .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).build()).build());
        }
    }

    static String name(String dropwizardName) {
        StringBuilder b = new StringBuilder(dropwizardName.length());
        for (int i = 0; i < dropwizardName.length(); i++) {
            char c = dropwizardName.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
                    || (c >= '0' && c <= '9' && i > 0);
            b.append(ok ? c : '_');
        }
        String n = b.toString();
        for (String suffix : new String[] {"_total", "_created", "_bucket", "_info"}) {
            if (n.endsWith(suffix)) {
                n = n + "_value";
            }
        }
        return n;
    }
}
