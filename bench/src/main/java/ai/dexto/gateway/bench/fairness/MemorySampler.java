package ai.dexto.gateway.bench.fairness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads the gateway's memory once a second (its JVM and Netty gauges from the ops port, its resident
 * set from {@code /proc}) and keeps each reading's maximum per phase, so "memory stays flat under
 * attack" is a comparison of two rows.
 */
final class MemorySampler implements AutoCloseable {
    private static final Map<String, String> READINGS = new LinkedHashMap<>();

    static {
        READINGS.put("heap used", "jvm_memory_used_bytes{area=\"heap\"}");
        READINGS.put("old gen used", "jvm_memory_pool_used_bytes{pool=\"G1 Old Gen\"}");
        READINGS.put("Netty direct", "dexto_gateway_netty_direct_memory_bytes");
        READINGS.put("JDK direct buffers", "jvm_buffer_pool_used_bytes{pool=\"direct\"}");
        READINGS.put("body memory", "dexto_gateway_body_memory_bytes");
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI metrics;
    private final Path status;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "memory-sampler");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Map<String, Double>> maxima = new LinkedHashMap<>();
    private volatile String phase;

    MemorySampler(String opsUrl, long pid) {
        this.metrics = URI.create(opsUrl + "/metrics");
        this.status = Path.of("/proc", Long.toString(pid), "status");
        timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    synchronized void phase(String name) {
        phase = name;
        maxima.computeIfAbsent(name, k -> new LinkedHashMap<>());
    }

    private void sample() {
        String current = phase;
        if (current == null) {
            return;
        }
        Map<String, Double> now = new LinkedHashMap<>();
        try {
            String text = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            READINGS.forEach((name, series) -> {
                Double v = value(text, series);
                if (v != null) {
                    now.put(name, v);
                }
            });
            now.put("open connections", value(text, "dexto_gateway_connections"));
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    now.put("resident set", Double.parseDouble(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            return; // a missed sample; the next one comes in a second
        }
        synchronized (this) {
            Map<String, Double> m = maxima.get(current);
            now.forEach((k, v) -> m.merge(k, v, Math::max));
        }
    }

    private static Double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return null;
    }

    /** One markdown row per reading, one column per phase. */
    synchronized String table() {
        StringBuilder md = new StringBuilder("| gateway, maximum over the run | ");
        maxima.keySet().forEach(p -> md.append(p).append(" | "));
        md.append("\n| --- |").append(" ---: |".repeat(maxima.size())).append('\n');
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        maxima.values().forEach(m -> names.addAll(m.keySet()));
        for (String name : names) {
            md.append("| ").append(name).append(" | ");
            for (Map<String, Double> m : maxima.values()) {
                Double v = m.get(name);
                md.append(v == null ? "–" : name.equals("open connections") ? String.format(Locale.ROOT, "%.0f", v)
                        : String.format(Locale.ROOT, "%.1f MiB", v / (1 << 20))).append(" | ");
            }
            md.append('\n');
        }
        return md.toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
