package ai.dexto.gateway.bench.load;

import ai.dexto.gateway.dataplane.GatewayConfig;
import ai.dexto.gateway.e2e.LocalSystem;
import ai.dexto.gateway.e2e.Processes;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end load harness: one command starts the simulated upstream, nginx in front of it, and the
 * whole Dexto system (embedded PostgreSQL, control plane with its drain, gateway) from the built jars,
 * provisions a real user with a real balance, then drives all three with the same generator, the same
 * connections and the same request bytes, and prints a table of throughput, latency and the gateway's
 * ratios.
 *
 * <pre>java -cp bench/target/benchmarks.jar ai.dexto.gateway.bench.load.LoadHarness --help</pre>
 */
@Command(name = "load-harness", mixinStandardHelpOptions = true,
        description = "Drives the upstream directly, nginx and the gateway side by side.")
public final class LoadHarness implements Callable<Integer> {
    @Option(names = "--seconds", description = "Measured seconds per run (default ${DEFAULT-VALUE}).")
    double seconds = 10;
    @Option(names = "--warmup", description = "Warm-up seconds per run, not measured (default ${DEFAULT-VALUE}).")
    double warmup = 3;
    @Option(names = "--prewarm", description = "Unmeasured seconds per target and workload before any run, so "
            + "the JVMs (gateway, control plane, simulator) run compiled code when measured (default ${DEFAULT-VALUE}).")
    double prewarm = 20;
    @Option(names = "--access-log", description = "Keep the gateway's per-request access log on (nginx's is off).")
    boolean accessLog;
    @Option(names = "--connections", description = "Keep-alive connections (default ${DEFAULT-VALUE}).")
    int connections = 32;
    @Option(names = "--rate", description = "Fixed request rate for the latency runs (default ${DEFAULT-VALUE}/s).")
    int rate = 2000;
    @Option(names = "--chunks", description = "Tokens (SSE chunks) per streamed answer (default ${DEFAULT-VALUE}).")
    int chunks = 20;
    @Option(names = "--targets", split = ",", description = "Subset of direct,nginx,gateway.")
    List<String> targets = List.of("direct", "nginx", "gateway");
    @Option(names = "--workloads", split = ",", description = "Subset of non-streamed,streamed.")
    List<String> workloads = List.of("non-streamed", "streamed");
    @Option(names = "--propagation-trials", description = "Revocation and top-up trials (0 skips; default ${DEFAULT-VALUE}).")
    int propagationTrials = 100;
    @Option(names = "--race-requests", description = "Requests released at once against one small balance (0 skips; default ${DEFAULT-VALUE}).")
    int raceRequests = 200;
    @Option(names = "--cold-start-seconds", description = "After the runs, restart the gateway and measure its "
            + "closed-loop throughput this many seconds, a second at a time (0 skips; default ${DEFAULT-VALUE}).")
    int coldStartSeconds = 10;
    @Option(names = "--race-nodes", description = "Also run the race over this many gateway nodes (1 skips; "
            + "default ${DEFAULT-VALUE}).")
    int raceNodes = 2;
    @Option(names = "--out", description = "Also write the report to this markdown file.")
    Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadHarness()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<LoadResult> results = new ArrayList<>();
        Map<String, String> notes = new LinkedHashMap<>();
        try (LocalSystem system = LocalSystem.create();
             Processes extra = new Processes(Files.createTempDirectory("dexto-harness-nginx-"));
             LoadGenerator generator = new LoadGenerator()) {
            // The gateway's global bucket (10,000/min by default) would measure itself, not the relay.
            system.env("DEXTO_GLOBAL_REQUESTS_PER_MINUTE", "1000000000");
            // the revocation probe rotates one user's key in a loop, past the per-user rotation limit
            system.env("DEXTO_LIMIT_ROTATE_PER_MINUTE", "100000");
            system.env("DEXTO_LIMIT_ROTATE_BURST", "1000");
            // ...and polls /keys/validate every millisecond, past the per-address validation limit (120/min);
            // each refused old key and each first sight of a new one is also charged to its address's
            // unauthenticated bucket (120/min), whose refill was the revocation figure's 500 ms ceiling
            system.env("DEXTO_VALIDATIONS_PER_MINUTE", "10000000");
            system.env("DEXTO_UNAUTHENTICATED_PER_MINUTE", "10000000");
            // nginx runs with access_log off; so does the gateway (its usage journal still records every
            // request, and that is what the drain bills from).
            system.env("DEXTO_ACCESS_LOG", accessLog ? "INFO" : "OFF");
            // the gateway warms up as deployed (the tests' LocalSystem shortens it to half a second)
            system.env("DEXTO_GATEWAY_WARMUP_MS", System.getenv().getOrDefault("DEXTO_GATEWAY_WARMUP_MS",
                    Long.toString(GatewayConfig.fromEnv(Map.of()).warmUp().toMillis())));
            // ...on its deployed heap (pre-touched), and the upstream on one as large: each JVM on the path
            // otherwise faults its heap's pages in during its first collections, pausing the requests in it
            system.env("DEXTO_GATEWAY_JAVA_OPTS", System.getenv().getOrDefault("DEXTO_GATEWAY_JAVA_OPTS",
                    LocalSystem.DEPLOYED_GATEWAY_JAVA_OPTS));
            system.env("DEXTO_SIM_JAVA_OPTS", System.getenv().getOrDefault("DEXTO_SIM_JAVA_OPTS",
                    LocalSystem.DEPLOYED_GATEWAY_JAVA_OPTS));
            system.startSim();
            String simUrl = system.simUrl();
            URI sim = URI.create(simUrl);
            String model = system.json(system.call("GET", simUrl + "/models", null, null, 200))
                    .path("data").get(0).path("id").asText();
            String upstreamKey = system.json(system.call("POST", simUrl + "/keys", LocalSystem.PROVISIONING_KEY,
                    "{\"name\":\"bench-direct\",\"limit\":1000000,\"include_byok_in_limit\":true}", 201))
                    .path("key").asText();

            Map<String, LoadTarget> byName = new LinkedHashMap<>();
            if (targets.contains("direct")) {
                byName.put("direct", target("direct", "http://127.0.0.1:" + sim.getPort(),
                        "/api/v1/chat/completions", upstreamKey, model));
            }
            if (targets.contains("nginx")) {
                if (NginxProxy.ensureInstalled() == null) {
                    notes.put("nginx", "skipped: no nginx binary and it could not be installed (apt-get install nginx-light)");
                } else {
                    int nginxPort = freePort();
                    Process nginx = NginxProxy.start(extra, extra.logDir().resolve("nginx"), nginxPort, sim.getPort());
                    extra.awaitHttp("nginx", nginx, "http://127.0.0.1:" + nginxPort + "/api/v1/models",
                            Duration.ofSeconds(20));
                    byName.put("nginx", target("nginx", "http://127.0.0.1:" + nginxPort,
                            "/api/v1/chat/completions", upstreamKey, model));
                }
            }
            if (targets.contains("gateway")) {
                system.startControlPlane();
                LocalSystem.User user = system.provisionUser();
                // Benchmarks measure the gateway, not the free tier's 60 requests a minute.
                system.admin("PUT", "/users/" + user.id() + "/tier", "{\"tier\":\"unlimited\"}");
                system.admin("POST", "/users/" + user.id() + "/credits",
                        "{\"amount_usd\":\"1000000.00\",\"reason\":\"load harness\"}");
                system.startGateway();
                byName.put("gateway", target("gateway", system.gatewayUrl(), "/v1/chat/completions",
                        user.apiKey(), model));
            }

            DrainLagSampler drainLag = byName.containsKey("gateway") ? new DrainLagSampler(system) : null;
            if (prewarm > 0) {
                for (String workload : workloads) {
                    for (LoadTarget t : byName.values()) {
                        generator.closedLoop(withWorkload(t, model, workload.equals("streamed")), workload,
                                connections, 0, prewarm);
                    }
                }
            }
            for (String workload : workloads) {
                boolean streamed = workload.equals("streamed");
                for (LoadTarget t : byName.values()) {
                    measure(results, system, t, () -> generator.closedLoop(withWorkload(t, model, streamed), workload,
                            connections, warmup, seconds));
                }
                for (LoadTarget t : byName.values()) {
                    measure(results, system, t, () -> generator.fixedRate(withWorkload(t, model, streamed), workload,
                            connections, rate, warmup, seconds));
                }
            }
            if (drainLag != null) {
                drainLag.close();
                notes.put("drain lag while the load ran (prewarm and every run)", drainLag.summary());
            }
            if (byName.containsKey("gateway") && raceRequests > 0) {
                notes.put(raceRequests + " requests at once on one small balance",
                        new RaceProbe(system, model).run(raceRequests, List.of(system.gatewayUrl())));
                if (raceNodes > 1) {
                    List<String> urls = new ArrayList<>(List.of(system.gatewayUrl()));
                    for (int n = 2; n <= raceNodes; n++) {
                        urls.add(system.startGatewayNode("bench-" + n).url());
                    }
                    notes.put(raceRequests + " requests at once on one small balance, over " + raceNodes + " nodes",
                            new RaceProbe(system, model).run(raceRequests, urls));
                }
            }
            if (byName.containsKey("gateway") && coldStartSeconds > 0) {
                String workload = workloads.get(0);
                LoadTarget t = withWorkload(byName.get("gateway"), model, workload.equals("streamed"));
                double steady = results.stream().filter(r -> r.target().equals("gateway")
                        && r.workload().equals(workload) && r.targetRate() == 0).mapToDouble(LoadResult::throughput)
                        .findFirst().orElseThrow();
                notes.put("warm-up: a gateway restarted cold", new WarmUpProbe(system, generator)
                        .run(t, workload, connections, coldStartSeconds, steady));
            }
            if (byName.containsKey("gateway") && propagationTrials > 0) {
                PropagationProbe probe = new PropagationProbe(system, model);
                notes.put("revocation reaches the gateway (" + propagationTrials + " trials)",
                        Report.percentiles(probe.revocation(propagationTrials)));
                notes.put("top-up reaches the gateway (" + propagationTrials + " trials)",
                        Report.percentiles(probe.topUp(propagationTrials)));
            }
            notes.put("logs", system.logDir().toString());
        }
        String report = Report.markdown(results, notes, connections, rate, chunks, seconds, warmup);
        System.out.println(report);
        if (out != null) {
            Files.writeString(out, report);
        }
        return 0;
    }

    /** One run; for the gateway also its exported in-process overhead over that run. */
    private static void measure(List<LoadResult> results, LocalSystem system, LoadTarget t, Callable<LoadResult> run)
            throws Exception {
        boolean gateway = t.name().equals("gateway");
        OverheadScrape before = gateway ? OverheadScrape.of(system.gatewayOpsUrl()) : null;
        LoadResult r = run.call();
        if (gateway) {
            r = r.withOverhead(OverheadScrape.of(system.gatewayOpsUrl()).minus(before));
        }
        results.add(r);
        System.err.println(Report.line(r));
    }

    private LoadTarget target(String name, String base, String path, String bearer, String model) {
        return new LoadTarget(name, URI.create(base), path, Map.of("Authorization", "Bearer " + bearer),
                body(model, false), false);
    }

    private LoadTarget withWorkload(LoadTarget t, String model, boolean streamed) {
        return new LoadTarget(t.name(), t.baseUri(), t.path(), t.headers(), body(model, streamed), streamed);
    }

    /** Identical bytes for every target; usage accounting asked for by all, as the gateway does. */
    private byte[] body(String model, boolean streamed) {
        return ("{\"model\":\"" + model + "\",\"stream\":" + streamed + ",\"max_tokens\":" + chunks
                + ",\"usage\":{\"include\":true},\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Say something short about load testing.\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
