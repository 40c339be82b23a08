package ai.dexto.gateway.bench.fairness;

import ai.dexto.gateway.bench.load.LoadGenerator;
import ai.dexto.gateway.bench.load.LoadResult;
import ai.dexto.gateway.bench.load.LoadTarget;
import ai.dexto.gateway.e2e.LocalSystem;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The fairness scenario: a well-behaved paying user streams at a fixed rate, first alone, then while
 * hostile clients run against the same gateway (thousands of idle connections, 4 MiB bodies without a
 * key, a {@code /keys/validate} flood of made-up keys, a user that never reads its streams, a user whose
 * every request fails upstream). Reports the well-behaved user's latency and errors in both runs, what
 * each attack got back, the gateway's memory in both runs, and whether the ledger audits clean after.
 *
 * <pre>java -cp bench/target/benchmarks.jar ai.dexto.gateway.bench.fairness.FairnessHarness --help</pre>
 */
@Command(name = "fairness-harness", mixinStandardHelpOptions = true,
        description = "A well-behaved user's latency with and without hostile clients on the same gateway.")
public final class FairnessHarness implements Callable<Integer> {
    @Option(names = "--seconds", description = "Measured seconds per run (default ${DEFAULT-VALUE}).")
    double seconds = 30;
    @Option(names = "--warmup", description = "Unmeasured seconds at the start of each run (default ${DEFAULT-VALUE}).")
    double warmup = 5;
    @Option(names = "--prewarm", description = "Unmeasured closed-loop seconds before anything is measured, so "
            + "the gateway runs compiled code (default ${DEFAULT-VALUE}).")
    double prewarm = 20;
    @Option(names = "--rate", description = "The well-behaved user's streams per second (default ${DEFAULT-VALUE}).")
    int rate = 50;
    @Option(names = "--connections", description = "Its keep-alive connections (default ${DEFAULT-VALUE}).")
    int connections = 16;
    @Option(names = "--chunks", description = "Tokens per streamed answer (default ${DEFAULT-VALUE}).")
    int chunks = 20;
    @Option(names = "--inter-token-ms", description = "The simulated model's time between tokens (default ${DEFAULT-VALUE}).")
    int interTokenMillis = 5;
    @Option(names = "--idle", description = "Idle connections held open (default ${DEFAULT-VALUE}).")
    int idle = 5000;
    @Option(names = "--attack-threads", description = "Threads per looping attack (default ${DEFAULT-VALUE}).")
    int attackThreads = 2;
    @Option(names = "--unread-streams", description = "Streams the never-reading user holds (default ${DEFAULT-VALUE}).")
    int unreadStreams = 16;
    @Option(names = "--out", description = "Also write the report to this markdown file.")
    Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FairnessHarness()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        StringBuilder report = new StringBuilder();
        try (LocalSystem system = LocalSystem.create(); LoadGenerator generator = new LoadGenerator()) {
            system.startSim();
            system.startControlPlane();
            String model = system.json(system.call("GET", system.simUrl() + "/models", null, null, 200))
                    .path("data").get(0).path("id").asText();
            LocalSystem.User good = user(system, "unlimited");
            LocalSystem.User neverReads = user(system, "paid");
            LocalSystem.User failing = user(system, "paid");
            system.startGateway();
            URI base = URI.create(system.gatewayUrl());
            InetSocketAddress gateway = new InetSocketAddress(base.getHost(), base.getPort());
            LoadTarget wellBehaved = new LoadTarget("gateway", base, "/v1/chat/completions",
                    Map.of("Authorization", "Bearer " + good.apiKey(), "X-Sim-Inter-Token-Ms",
                            Integer.toString(interTokenMillis)), body(model), true);

            generator.closedLoop(wellBehaved, "streamed", connections, 0, prewarm);
            List<String> attackNotes = new ArrayList<>();
            LoadResult alone;
            LoadResult attacked;
            try (MemorySampler memory = new MemorySampler(system.gatewayOpsUrl(), system.gatewayPid())) {
                memory.phase("alone");
                alone = generator.fixedRate(wellBehaved, "streamed", connections, rate, warmup, seconds);
                System.err.println("alone:    " + line(alone));

                memory.phase("under attack");
                List<Attack> attacks = List.of(
                        HostileClients.bigBodiesWithoutKey(gateway, attackThreads),
                        HostileClients.validateFlood(gateway, attackThreads, 200),
                        HostileClients.neverReads(gateway, neverReads.apiKey(), model, unreadStreams,
                                (long) ((warmup + seconds) * 1000)),
                        HostileClients.failingUpstream(gateway, failing.apiKey(), model, attackThreads));
                try (IdleConnections idlers = new IdleConnections(gateway, idle)) {
                    idlers.start(Duration.ofSeconds(60));
                    attacks.forEach(Attack::start);
                    try {
                        attacked = generator.fixedRate(wellBehaved, "streamed", connections, rate, warmup, seconds);
                    } finally {
                        for (Attack a : attacks) {
                            a.close();
                        }
                    }
                    attackNotes.add(idle + " idle connections: " + idlers.summary());
                }
                System.err.println("attacked: " + line(attacked));
                for (Attack a : attacks) {
                    attackNotes.add(a.name() + ": " + a.summary());
                }
                report.append(String.format(Locale.ROOT, "Well-behaved user: %d streams/s of %d tokens (%d ms between "
                                + "tokens) on %d connections, %.0f s measured after %.0f s.%n%n", rate, chunks,
                        interTokenMillis, connections, seconds, warmup));
                report.append("| run | streams/s | p50 ms | p99 ms | p99.9 ms | TTFB p99 ms | errors |\n");
                report.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
                report.append(row("alone", alone)).append(row("under attack", attacked));
                report.append(String.format(Locale.ROOT, "%nUnder attack / alone: p50 %.2f×, p99 %.2f×.%n%n",
                        attacked.latencyMillis(50) / alone.latencyMillis(50),
                        attacked.latencyMillis(99) / alone.latencyMillis(99)));
                report.append(memory.table()).append('\n');
            }
            attackNotes.forEach(n -> report.append("- ").append(n).append('\n'));
            report.append("- ledger after the attacks: ").append(audit(system)).append('\n');
            report.append("- logs: ").append(system.logDir()).append('\n');
        }
        System.out.println(report);
        if (out != null) {
            Files.writeString(out, report);
        }
        return 0;
    }

    private static LocalSystem.User user(LocalSystem system, String tier) throws Exception {
        LocalSystem.User u = system.provisionUser();
        system.admin("PUT", "/users/" + u.id() + "/tier", "{\"tier\":\"" + tier + "\"}");
        system.admin("POST", "/users/" + u.id() + "/credits", "{\"amount_usd\":\"1000.00\",\"reason\":\"fairness\"}");
        return u;
    }

    /** {@code /admin/audit}, once every attack's requests are drained: clean, or what it found. */
    private static String audit(LocalSystem system) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode audit;
        do {
            audit = system.json(system.admin("GET", "/audit", null));
            if (audit.path("ok").asBoolean()) {
                return "audit clean";
            }
            Thread.sleep(500); // polling the control plane's view until the drain catches up
        } while (System.nanoTime() < deadline);
        return "audit NOT clean: " + audit;
    }

    private byte[] body(String model) {
        return ("{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":" + chunks
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say something short about fairness.\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String row(String run, LoadResult r) {
        return String.format(Locale.ROOT, "| %s | %.1f | %.2f | %.2f | %.2f | %.2f | %d |%n", run, r.throughput(),
                r.latencyMillis(50), r.latencyMillis(99), r.latencyMillis(99.9), r.ttfbMillis(99), r.errors());
    }

    private static String line(LoadResult r) {
        return String.format(Locale.ROOT, "%.1f streams/s p50 %.2f ms p99 %.2f ms errors %d", r.throughput(),
                r.latencyMillis(50), r.latencyMillis(99), r.errors());
    }
}
