package ai.dexto.gateway.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end load harness: one command starts the simulated upstream, nginx in front of it, and the
 * whole Dexto system (embedded PostgreSQL, control plane with its drain, gateway), provisions a real
 * user with a real balance, then drives all three with the same generator, the same connections and
 * the same request bytes, and prints a table of throughput, latency and the gateway's ratios.
 *
 * <pre>java -cp bench/target/benchmarks.jar ai.dexto.gateway.bench.load.LoadHarness --help</pre>
 */
@Command(name = "load-harness", mixinStandardHelpOptions = true,
        description = "Drives the upstream directly, nginx and the gateway side by side.")
public final class LoadHarness implements Callable<Integer> {
    private static final String JWT_SECRET = "bench-jwt-secret-0123456789-0123456789-0123456789";
    private static final String ADMIN_TOKEN = "bench-admin-token";
    private static final String INTERNAL_TOKEN = "bench-internal-token";
    private static final String ENCRYPTION_KEY = "YmVuY2gtZW5jcnlwdGlvbi1rZXktMzItYnl0ZXMtbG8=";
    private static final String PROVISIONING_KEY = "sk-or-prov-bench";

    @Option(names = "--seconds", description = "Measured seconds per run (default ${DEFAULT-VALUE}).")
    double seconds = 10;
    @Option(names = "--warmup", description = "Warm-up seconds per run, not measured (default ${DEFAULT-VALUE}).")
    double warmup = 3;
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
    @Option(names = "--out", description = "Also write the report to this markdown file.")
    Path out;
    @Option(names = "--repo", description = "Repository root holding the built jars (default: current directory).")
    Path repo = Path.of(".");

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadHarness()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path runDir = Files.createTempDirectory("dexto-harness-");
        int simPort = freePort();
        int stripePort = freePort();
        int nginxPort = freePort();
        int gatewayPort = freePort();
        int opsPort = freePort();
        int controlPort = freePort();
        int controlAdminPort = freePort();
        String simUrl = "http://127.0.0.1:" + simPort + "/api/v1";
        Map<String, String> env = new HashMap<>();
        env.put("DEXTO_DATA_DIR", runDir.resolve("data").toString());
        env.put("DEXTO_SIM_PORT", Integer.toString(simPort));
        env.put("DEXTO_SIM_STRIPE_PORT", Integer.toString(stripePort));
        env.put("DEXTO_GATEWAY_PORT", Integer.toString(gatewayPort));
        env.put("DEXTO_GATEWAY_OPS_PORT", Integer.toString(opsPort));
        env.put("DEXTO_CONTROL_PORT", Integer.toString(controlPort));
        env.put("DEXTO_CONTROL_ADMIN_PORT", Integer.toString(controlAdminPort));
        env.put("DEXTO_CONTROL_URL", "http://127.0.0.1:" + controlPort);
        env.put("DEXTO_UPSTREAM_URL", simUrl);
        env.put("STRIPE_API_BASE", "http://127.0.0.1:" + stripePort);
        env.put("OPENROUTER_PROVISIONING_KEY", PROVISIONING_KEY);
        env.put("DEXTO_JWT_SECRET", JWT_SECRET);
        env.put("DEXTO_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("DEXTO_INTERNAL_TOKEN", INTERNAL_TOKEN);
        env.put("ENCRYPTION_KEY", ENCRYPTION_KEY);
        env.put("DEXTO_NODE_ID", "bench-1");

        List<LoadResult> results = new ArrayList<>();
        Map<String, String> notes = new LinkedHashMap<>();
        try (Processes processes = new Processes(runDir.resolve("logs"));
             LoadGenerator generator = new LoadGenerator()) {
            Process sim = processes.startJava("sim", jar("sim/target/dexto-sim.jar"), List.of(), env);
            processes.awaitHttp("sim", sim, simUrl + "/models", Duration.ofSeconds(60));

            Map<String, LoadTarget> byName = new LinkedHashMap<>();
            String upstreamKey = mintUpstreamKey(simUrl);
            String model = firstModel(simUrl);
            if (targets.contains("direct")) {
                byName.put("direct", target("direct", "http://127.0.0.1:" + simPort, "/api/v1/chat/completions",
                        upstreamKey, model));
            }
            if (targets.contains("nginx")) {
                if (NginxProxy.binary() == null) {
                    notes.put("nginx", "skipped: no nginx binary (apt-get install nginx-light)");
                } else {
                    Process nginx = NginxProxy.start(processes, runDir.resolve("nginx"), nginxPort, simPort);
                    processes.awaitHttp("nginx", nginx, "http://127.0.0.1:" + nginxPort + "/api/v1/models",
                            Duration.ofSeconds(20));
                    byName.put("nginx", target("nginx", "http://127.0.0.1:" + nginxPort, "/api/v1/chat/completions",
                            upstreamKey, model));
                }
            }
            if (targets.contains("gateway")) {
                Process control = processes.startJava("controlplane", jar("controlplane/target/dexto-controlplane.jar"),
                        List.of("server", repo.resolve("ops/config/controlplane.yml").toString()), env);
                processes.awaitHttp("controlplane", control,
                        "http://127.0.0.1:" + controlAdminPort + "/healthcheck", Duration.ofSeconds(120));
                String apiKey = provisionBenchUser("http://127.0.0.1:" + controlPort);
                Process gateway = processes.startJava("gateway", jar("dataplane/target/dexto-dataplane.jar"),
                        List.of(), env);
                processes.awaitHttp("gateway", gateway, "http://127.0.0.1:" + opsPort + "/ready",
                        Duration.ofSeconds(60));
                byName.put("gateway", target("gateway", "http://127.0.0.1:" + gatewayPort,
                        "/v1/chat/completions", apiKey, model));
            }

            for (String workload : workloads) {
                boolean streamed = workload.equals("streamed");
                for (LoadTarget t : byName.values()) {
                    LoadTarget w = withWorkload(t, model, streamed);
                    results.add(generator.closedLoop(w, workload, connections, warmup, seconds));
                    System.err.println(Report.line(results.get(results.size() - 1)));
                }
                for (LoadTarget t : byName.values()) {
                    LoadTarget w = withWorkload(t, model, streamed);
                    results.add(generator.fixedRate(w, workload, connections, rate, warmup, seconds));
                    System.err.println(Report.line(results.get(results.size() - 1)));
                }
            }
            notes.put("logs", processes.logDir().toString());
        }
        String report = Report.markdown(results, notes, connections, rate, chunks, seconds, warmup);
        System.out.println(report);
        if (out != null) {
            Files.writeString(out, report);
        }
        return 0;
    }

    private String jar(String relative) {
        Path p = repo.resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: build first with mvn -B -DskipTests package");
        }
        return p.toString();
    }

    private LoadTarget target(String name, String base, String path, String bearer, String model) {
        return new LoadTarget(name, URI.create(base), path, Map.of("Authorization", "Bearer " + bearer),
                body(model, false), false);
    }

    private LoadTarget withWorkload(LoadTarget t, String model, boolean streamed) {
        return new LoadTarget(t.name(), t.baseUri(), t.path(), t.headers(), body(model, streamed), streamed);
    }

    /** Identical bytes for every target; usage accounting asked for by all, as the gateway would. */
    private byte[] body(String model, boolean streamed) {
        return ("{\"model\":\"" + model + "\",\"stream\":" + streamed + ",\"max_tokens\":" + chunks
                + ",\"usage\":{\"include\":true},\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Say something short about load testing.\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    private String mintUpstreamKey(String simUrl) throws Exception {
        JsonNode r = post(simUrl + "/keys", PROVISIONING_KEY,
                "{\"name\":\"bench-direct\",\"limit\":1000000,\"include_byok_in_limit\":true}");
        return r.path("key").asText();
    }

    private String firstModel(String simUrl) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(simUrl + "/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body()).path("data").get(0).path("id").asText();
    }

    /** A real user: session JWT → /api/provision, then unlimited tier and $1,000,000 of credit. */
    private String provisionBenchUser(String control) throws Exception {
        String userId = UUID.randomUUID().toString();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .subject(userId).audience("authenticated").claim("email", "bench@dexto.local")
                .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
        jwt.sign(new MACSigner(JWT_SECRET.getBytes(StandardCharsets.UTF_8)));
        JsonNode provisioned = post(control + "/api/provision", jwt.serialize(), "");
        String key = provisioned.path("dextoApiKey").asText();
        if (!key.startsWith("dxt_")) {
            throw new IllegalStateException("provisioning failed: " + provisioned);
        }
        send("PUT", control + "/admin/users/" + userId + "/tier", ADMIN_TOKEN, "{\"tier\":\"unlimited\"}");
        send("POST", control + "/admin/users/" + userId + "/credits", ADMIN_TOKEN,
                "{\"amount_usd\":\"1000000.00\",\"reason\":\"load harness\"}");
        return key;
    }

    private JsonNode post(String url, String bearer, String body) throws Exception {
        return json.readTree(send("POST", url, bearer, body));
    }

    private String send(String method, String url, String bearer, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + url + " → " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
