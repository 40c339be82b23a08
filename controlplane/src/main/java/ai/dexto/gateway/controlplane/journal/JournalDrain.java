package ai.dexto.gateway.controlplane.journal;

import ai.dexto.gateway.controlplane.config.JournalSettings;
import ai.dexto.gateway.controlplane.db.Transactions;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One drainer per usage journal directory: the configured list, or every directory under the journal
 * root, rescanned so a new data-plane node's journal is picked up without a restart.
 */
public final class JournalDrain implements Managed {
    private static final Logger log = LoggerFactory.getLogger(JournalDrain.class);

    private final List<Path> explicitDirs;
    private final Path root;
    private final JournalSettings settings;
    private final Transactions transactions;
    private final DrainFaults faults;
    private final MetricRegistry metrics;
    private final Meter drained;
    private final Map<String, QueueDrainer> drainers = new ConcurrentHashMap<>();
    private ScheduledExecutorService scanner;

    public JournalDrain(JournalSettings settings, Path root, Transactions transactions, DrainFaults faults,
                        MetricRegistry metrics) {
        this.explicitDirs = settings.explicitDirs();
        this.root = root;
        this.settings = settings;
        this.transactions = transactions;
        this.faults = faults;
        this.metrics = metrics;
        this.drained = metrics.meter("journal.drained-events");
        metrics.register("journal.events-behind", (Gauge<Long>) this::eventsBehind);
        metrics.register("journal.seconds-behind", (Gauge<Long>) this::secondsBehind);
    }

    @Override
    public synchronized void start() {
        scanner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "journal-scan");
            t.setDaemon(true);
            return t;
        });
        scanner.scheduleWithFixedDelay(this::scan, 0, settings.rescanMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() throws InterruptedException {
        if (scanner != null) {
            scanner.shutdownNow();
            scanner.awaitTermination(5, TimeUnit.SECONDS);
            scanner = null;
        }
        for (QueueDrainer d : drainers.values()) {
            d.stop();
            metrics.remove("journal." + d.queueId() + ".events-behind");
            metrics.remove("journal." + d.queueId() + ".seconds-behind");
        }
        drainers.clear();
    }

    /** Looks for journal directories now (also runs on a timer). */
    public synchronized void scan() {
        try {
            for (Path dir : directories()) {
                String id = dir.getFileName().toString();
                drainers.computeIfAbsent(id, k -> {
                    QueueDrainer d = new QueueDrainer(dir, k, transactions, faults, settings.batchSize,
                            settings.batchMillis, drained, new JournalRetention(
                                    TimeUnit.HOURS.toMillis(settings.retentionHours), settings.retentionCheckMillis));
                    metrics.gauge("journal." + k + ".events-behind", () -> d::eventsBehind);
                    metrics.gauge("journal." + k + ".seconds-behind", () -> d::secondsBehind);
                    d.start();
                    return d;
                });
            }
        } catch (IOException | RuntimeException e) {
            log.warn("journal scan failed", e);
        }
    }

    private List<Path> directories() throws IOException {
        if (!explicitDirs.isEmpty()) {
            List<Path> out = new ArrayList<>();
            for (Path p : explicitDirs) {
                Files.createDirectories(p);
                out.add(p);
            }
            return out;
        }
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    public long eventsBehind() {
        return drainers.values().stream().mapToLong(QueueDrainer::eventsBehind).sum();
    }

    public long secondsBehind() {
        return drainers.values().stream().mapToLong(QueueDrainer::secondsBehind).max().orElse(0);
    }

    /** Per journal: id → {events behind, seconds behind, consecutive failures, halted (1/0)}. */
    public Map<String, long[]> status() {
        Map<String, long[]> out = new java.util.TreeMap<>();
        drainers.forEach((id, d) -> out.put(id, new long[] {d.eventsBehind(), d.secondsBehind(),
                d.consecutiveFailures(), d.halted() == null ? 0 : 1}));
        return out;
    }

    /** Per journal whose drain stopped for good: id → why. Empty while every drain runs. */
    public Map<String, String> halted() {
        Map<String, String> out = new java.util.TreeMap<>();
        drainers.forEach((id, d) -> {
            String why = d.halted();
            if (why != null) {
                out.put(id, why);
            }
        });
        return out;
    }
}
