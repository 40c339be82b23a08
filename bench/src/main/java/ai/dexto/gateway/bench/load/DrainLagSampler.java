package ai.dexto.gateway.bench.load;

import ai.dexto.gateway.e2e.LocalSystem;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * How far the control plane's drain trails the gateway's journal while load runs: its gauges
 * {@code journal.events-behind} and {@code journal.seconds-behind} (Prometheus text on the admin port's
 * {@code /metrics}), sampled every 100 ms on a background thread.
 */
final class DrainLagSampler implements AutoCloseable {
    private final LocalSystem system;
    private final Histogram eventsBehind = new Histogram(3);
    private volatile long maxSecondsBehind;
    private volatile boolean running = true;
    private final Thread thread;

    DrainLagSampler(LocalSystem system) {
        this.system = system;
        thread = new Thread(this::sample, "drain-lag-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        while (running) {
            try {
                String metrics = system.call("GET", system.controlAdminUrl() + "/metrics", null, null, 200);
                long events = gauge(metrics, "journal_events_behind");
                long seconds = gauge(metrics, "journal_seconds_behind");
                if (events >= 0) {
                    synchronized (eventsBehind) {
                        eventsBehind.recordValue(events);
                    }
                }
                maxSecondsBehind = Math.max(maxSecondsBehind, seconds);
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // a missed sample (control plane busy) is not a measurement
            }
        }
    }

    private static long gauge(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return -1;
    }

    String summary() {
        synchronized (eventsBehind) {
            return String.format(Locale.ROOT, "events behind p50 %d, p99 %d, max %d; seconds behind max %d (%d samples)",
                    eventsBehind.getValueAtPercentile(50), eventsBehind.getValueAtPercentile(99),
                    eventsBehind.getMaxValue(), maxSecondsBehind, eventsBehind.getTotalCount());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(2_000);
    }
}
