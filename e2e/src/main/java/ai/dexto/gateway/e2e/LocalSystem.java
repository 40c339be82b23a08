package ai.dexto.gateway.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole Dexto system on one machine, started from the built jars as separate processes exactly as
 * {@code ops/quickstart} starts them: the simulated OpenRouter and Stripe, the control plane (embedded
 * PostgreSQL, drain, feed) and the gateway, on free loopback ports and a fresh data directory. Used by
 * the end-to-end tests and the load harness.
 */
public final class LocalSystem implements AutoCloseable {
    public static final String JWT_SECRET = "e2e-jwt-secret-0123456789-0123456789-0123456789";
    public static final String ADMIN_TOKEN = "e2e-admin-token";
    public static final String INTERNAL_TOKEN = "e2e-internal-token";
    public static final String ENCRYPTION_KEY = "ZTJlLWVuY3J5cHRpb24ta2V5LTMyLWJ5dGVzLWxvbmc=";
    public static final String PROVISIONING_KEY = "sk-or-prov-e2e";
    public static final String STRIPE_SECRET_KEY = "sk_test_e2e";
    public static final String STRIPE_WEBHOOK_SECRET = "whsec_e2e_local_only";
    public static final String NODE_ID = "e2e-1";
    public static final String AUTH_ANON_KEY = "sb_publishable_e2e";
    /**
     * Every prompt the suite sends carries this word ({@link #prompt}), so the log check after the run
     * (LogHygieneIT) can prove that no prompt reached any process's log.
     */
    public static final String PROMPT_MARK = "zebra-prompt-canary-e2e";
    /** Where every system of a run keeps its logs (one folder each), for the check after the run. */
    public static final String LOG_ROOT_PROPERTY = "dexto.e2e.logs";

    private final Path repo;
    private final Path dataDir;
    private final Processes processes;
    private final Map<String, String> env = new HashMap<>();
    private final SystemHttp http = new SystemHttp(this::partOf);
    private final List<GatewayNode> extraGateways = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final int simPort;
    private final int stripePort;
    private final int gatewayPort;
    private final int opsPort;
    private final int controlPort;
    private final int controlAdminPort;
    private final int controlInternalPort;
    private Process sim;
    private Process control;
    private Process gateway;

    private LocalSystem(Path repo, Path workDir) throws IOException {
        this.repo = repo;
        this.dataDir = workDir.resolve("data");
        String logRoot = System.getProperty(LOG_ROOT_PROPERTY);
        this.processes = new Processes(logRoot == null || logRoot.isBlank() ? workDir.resolve("logs")
                : Path.of(logRoot).resolve(workDir.getFileName()));
        simPort = freePort();
        stripePort = freePort();
        gatewayPort = freePort();
        opsPort = freePort();
        controlPort = freePort();
        controlAdminPort = freePort();
        controlInternalPort = freePort();
        env.put("DEXTO_ENV", "local"); // embedded PostgreSQL: a local run
        env.put("DEXTO_DATA_DIR", dataDir.toString());
        env.put("DEXTO_SIM_PORT", Integer.toString(simPort));
        env.put("DEXTO_SIM_STRIPE_PORT", Integer.toString(stripePort));
        env.put("DEXTO_GATEWAY_PORT", Integer.toString(gatewayPort));
        env.put("DEXTO_GATEWAY_OPS_PORT", Integer.toString(opsPort));
        env.put("DEXTO_CONTROL_PORT", Integer.toString(controlPort));
        env.put("DEXTO_CONTROL_ADMIN_PORT", Integer.toString(controlAdminPort));
        env.put("DEXTO_CONTROL_INTERNAL_PORT", Integer.toString(controlInternalPort));
        env.put("DEXTO_CONTROL_URL", controlUrl());
        env.put("DEXTO_CONTROL_INTERNAL_URL", "http://127.0.0.1:" + controlInternalPort);
        env.put("DEXTO_UPSTREAM_URL", simUrl());
        env.put("STRIPE_API_BASE", stripeUrl());
        env.put("STRIPE_SECRET_KEY", STRIPE_SECRET_KEY);
        env.put("DEXTO_STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET);
        env.put("DEXTO_STRIPE_WEBHOOK_URL", controlUrl() + "/api/stripe/webhook");
        // Checkout returns to the dashboard's billing page, as in production
        env.put("DEXTO_DASHBOARD_URL", dashboardUrl());
        env.put("DEXTO_CORS_ORIGINS", dashboardUrl());
        env.put("OPENROUTER_PROVISIONING_KEY", PROVISIONING_KEY);
        env.put("DEXTO_JWT_SECRET", JWT_SECRET);
        env.put("DEXTO_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("DEXTO_INTERNAL_TOKEN", INTERNAL_TOKEN);
        env.put("ENCRYPTION_KEY", ENCRYPTION_KEY);
        env.put("DEXTO_NODE_ID", NODE_ID);
        env.put("DEXTO_FORWARD_SIM_HEADERS", "true");
        // the warm-up runs (it is part of every start) but briefly: tests start many gateways
        env.put("DEXTO_GATEWAY_WARMUP_MS", "500");
        env.put("DEXTO_JWKS_URL", authUrl() + "/.well-known/jwks.json");
        env.put("DEXTO_AUTH_ANON_KEY", AUTH_ANON_KEY);
        // the dashboard signs users in on the simulated Supabase Auth and approves device logins at /device
        env.put("DEXTO_AUTH_URL", authUrl());
        env.put("DEXTO_DEVICE_VERIFICATION_URL", dashboardUrl() + "/device");
        // device logins: a 1 s poll interval keeps CLI tests quick
        env.put("DEXTO_DEVICE_POLL_INTERVAL_SECONDS", "1");
    }

    /** The gateway's heap in tests (see {@link #gatewayJvmOptions()}). */
    public static final String DEFAULT_GATEWAY_JAVA_OPTS = "-Xms1g -Xmx1g -Xmn512m";

    /**
     * The JVM as ops/deploy runs the gateway: {@link #DEFAULT_GATEWAY_JAVA_OPTS} with every heap page
     * touched at start (a page first touched inside a collection faults into the kernel: on this VM a
     * young pause reached 301 ms, 0.32 s of it system time) and Netty's leak detector sampling 1 buffer
     * in 1,024. Tests start many gateways and skip the 0.5 s the touching costs (the data plane's own
     * tests run the detector on every buffer).
     */
    public static final String DEPLOYED_GATEWAY_JAVA_OPTS = DEFAULT_GATEWAY_JAVA_OPTS
            + " -XX:+AlwaysPreTouch -Dio.netty.leakDetection.samplingInterval=1024";

    /** Starts the simulator, control plane and gateway, and waits until the gateway is ready. */
    public static LocalSystem start() throws Exception {
        return start(Map.of());
    }

    /** As {@link #start()}, with extra environment for every part (e.g. shorter gateway timeouts). */
    public static LocalSystem start(Map<String, String> extraEnv) throws Exception {
        LocalSystem system = create();
        system.env.putAll(extraEnv);
        try {
            system.startSim();
            system.startControlPlane();
            system.startGateway();
            return system;
        } catch (Exception | Error e) {
            system.close();
            throw e;
        }
    }

    /** A system with nothing started yet, for callers that start only some parts. */
    public static LocalSystem create() throws IOException {
        return new LocalSystem(findRepo(), Files.createTempDirectory("dexto-e2e-"));
    }

    /** Sets an environment variable for the parts started after this call. */
    public LocalSystem env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Starts the simulator; {@code DEXTO_SIM_JAVA_OPTS} in this system's environment sets its JVM options. */
    public void startSim() throws Exception {
        sim = processes.startJava("sim", jar("sim/target/dexto-sim.jar"), jvmOptions("DEXTO_SIM_JAVA_OPTS", ""),
                List.of(), env);
        processes.awaitHttp("sim", sim, simUrl() + "/models", Duration.ofSeconds(60));
    }

    public void startControlPlane() throws Exception {
        ExternalDatabase external = ExternalDatabase.fromEnvironment();
        if (external != null && !env.containsKey("DEXTO_DATABASE_URL")) {
            env.putAll(external.newDatabaseEnvironment());
        }
        control = processes.startJava("controlplane", jar("controlplane/target/dexto-controlplane.jar"),
                List.of("server", repo.resolve("ops/config/controlplane.yml").toString()), env);
        processes.awaitHttp("controlplane", control, controlAdminUrl() + "/healthcheck", Duration.ofSeconds(120));
    }

    public void stopControlPlane() throws InterruptedException {
        processes.stop(control);
        control = null;
    }

    public void startGateway() throws Exception {
        gateway = processes.startJava("gateway", jar("dataplane/target/dexto-dataplane.jar"), gatewayJvmOptions(),
                List.of(), env);
        processes.awaitHttp("gateway", gateway, gatewayOpsUrl() + "/ready", Duration.ofSeconds(60));
    }

    /** Stops the gateway as an operator would (SIGTERM: it drains its streams and settles them first). */
    public void stopGateway() throws InterruptedException {
        processes.stop(gateway);
        gateway = null;
    }

    /** The running gateway's process id, for reading its resident memory from {@code /proc}. */
    public long gatewayPid() {
        return gateway.pid();
    }

    /** Kills the gateway as a crash would (SIGKILL: no shutdown hook, no drain of its ring, no settlement). */
    public void killGateway() throws InterruptedException {
        gateway.destroyForcibly();
        gateway.waitFor();
        gateway = null;
    }

    /**
     * Starts one more gateway node against the same control plane: its own node id, ports and journal
     * directory ({@code DEXTO_DATA_DIR/journal/<node>}, which the control plane drains beside the first
     * node's), as a second host would run it. Waits until it is ready; stopped with the system.
     */
    public GatewayNode startGatewayNode(String nodeId) throws Exception {
        Map<String, String> nodeEnv = new HashMap<>(env);
        int port = freePort();
        int ops = freePort();
        nodeEnv.put("DEXTO_NODE_ID", nodeId);
        nodeEnv.put("DEXTO_GATEWAY_PORT", Integer.toString(port));
        nodeEnv.put("DEXTO_GATEWAY_OPS_PORT", Integer.toString(ops));
        Process p = processes.startJava("gateway-" + nodeId, jar("dataplane/target/dexto-dataplane.jar"),
                gatewayJvmOptions(), List.of(), nodeEnv);
        GatewayNode node = new GatewayNode(nodeId, "http://127.0.0.1:" + port, "http://127.0.0.1:" + ops);
        processes.awaitHttp("gateway-" + nodeId, p, node.opsUrl() + "/ready", Duration.ofSeconds(60));
        extraGateways.add(node);
        return node;
    }

    /**
     * The gateway's heap, as ops/quickstart sizes it: a young generation large enough that a collection
     * (a pause of every event loop) comes every few seconds under load, not several times a second.
     * {@code DEXTO_GATEWAY_JAVA_OPTS} in this system's environment replaces it.
     */
    private List<String> gatewayJvmOptions() {
        return jvmOptions("DEXTO_GATEWAY_JAVA_OPTS", DEFAULT_GATEWAY_JAVA_OPTS);
    }

    private List<String> jvmOptions(String variable, String defaults) {
        String opts = env.getOrDefault(variable, defaults).trim();
        return opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
    }

    /** The first model the gateway lists: the one a test chats with when the model does not matter. */
    public String firstModel() throws IOException, InterruptedException {
        return json(call("GET", gatewayUrl() + "/v1/models", null, null, 200)).path("data").get(0).path("id").asText();
    }

    public String simUrl() {
        return "http://127.0.0.1:" + simPort + "/api/v1";
    }

    /** The simulated Supabase Auth ({@code …/auth/v1}); the control plane trusts its JWKS. */
    public String authUrl() {
        return "http://127.0.0.1:" + simPort + "/auth/v1";
    }

    public String stripeUrl() {
        return "http://127.0.0.1:" + stripePort;
    }

    public String gatewayUrl() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    public String gatewayOpsUrl() {
        return "http://127.0.0.1:" + opsPort;
    }

    public String controlUrl() {
        return "http://127.0.0.1:" + controlPort;
    }

    /** The control plane's internal port ({@code /admin}, {@code /internal}); https when a test set TLS up. */
    public String controlInternalUrl() {
        return env.get("DEXTO_CONTROL_INTERNAL_URL");
    }

    public int controlInternalPort() {
        return controlInternalPort;
    }

    /** The customer dashboard: pages served by the control plane's public port. */
    public String dashboardUrl() {
        return controlUrl();
    }

    public String controlAdminUrl() {
        return "http://127.0.0.1:" + controlAdminPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logDir() {
        return processes.logDir();
    }

    /** A user message for a chat request: {@code text} and {@link #PROMPT_MARK}, JSON-safe as it is. */
    public static String prompt(String text) {
        return text + " " + PROMPT_MARK;
    }

    /** A session JWT as Supabase would issue it, signed with the system's secret. */
    public String sessionJwt(String userId) {
        return SessionJwts.hs256(JWT_SECRET, userId);
    }

    /** A new user provisioned through {@code POST /api/provision}, as the CLI's login does. */
    public User provisionUser() throws IOException, InterruptedException {
        String userId = UUID.randomUUID().toString();
        JsonNode r = json(call("POST", controlUrl() + "/api/provision", sessionJwt(userId), null, 200));
        String key = r.path("dextoApiKey").asText();
        if (!key.startsWith("dxt_")) {
            throw new IllegalStateException("provisioning answered " + r);
        }
        return new User(userId, key);
    }

    /** A user signed up (email + password) on the simulated Supabase Auth, with their ES256 session. */
    public AuthSession signUp(String email, String password) throws IOException, InterruptedException {
        JsonNode session = json(http.call("POST", authUrl() + "/signup", null,
                http.write(Map.of("email", email, "password", password)), 200, Map.of("apikey", AUTH_ANON_KEY)));
        return new AuthSession(session.at("/user/id").asText(), email, session.path("access_token").asText(),
                session.path("refresh_token").asText());
    }

    public String admin(String method, String path, String body) throws IOException, InterruptedException {
        return call(method, controlInternalUrl() + "/admin" + path, ADMIN_TOKEN, body, 200);
    }

    /** Sends a request and returns the body, failing unless the status is {@code expected}. */
    public String call(String method, String url, String bearer, String body, int expected)
            throws IOException, InterruptedException {
        return http.call(method, url, bearer, body, expected, Map.of());
    }

    /** Sends a JSON request (bearer and body may be null) and returns the answer, whatever its status. */
    public HttpResponse<String> send(String method, String url, String bearer, String body)
            throws IOException, InterruptedException {
        return http.send(method, url, bearer, body, Map.of());
    }

    /** As {@link #send(String, String, String, String)}, with extra request headers. */
    public HttpResponse<String> send(String method, String url, String bearer, String body,
                                     Map<String, String> headers) throws IOException, InterruptedException {
        return http.send(method, url, bearer, body, headers);
    }

    /** Which part of the system a URL addresses, for the API description check (ExchangeLog). */
    private String partOf(String url) {
        if (url.startsWith(gatewayUrl() + "/") || extraGateways.stream().anyMatch(g -> url.startsWith(g.url() + "/"))) {
            return "gateway";
        }
        if (url.startsWith(controlUrl() + "/")) {
            return "control";
        }
        return url.startsWith(controlInternalUrl() + "/") ? "internal" : "other";
    }

    public JsonNode json(String text) throws IOException {
        return http.json(text);
    }

    private String jar(String relative) {
        return repo.resolve(relative).toString();
    }

    /** The repository root: the nearest folder up from here holding ops/quickstart. */
    static Path findRepo() {
        String configured = System.getProperty("dexto.repo");
        Path p = Path.of(configured != null ? configured : "").toAbsolutePath();
        for (Path dir = p; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("ops/quickstart"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run from inside the repository (no ops/quickstart above " + p + ")");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Stops every process and deletes the data (PostgreSQL, journals: gigabytes after a load run);
     * the logs stay for whoever reads a report or a failed test.
     */
    @Override
    public void close() {
        processes.close();
        try (java.util.stream.Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // nothing there, or a file vanished while walking
        }
    }

    /** A gateway node started by {@link #startGatewayNode}. */
    public record GatewayNode(String nodeId, String url, String opsUrl) {
    }

    /** A signed-in user of the simulated Supabase Auth. */
    public record AuthSession(String userId, String email, String accessToken, String refreshToken) {
    }

    /** A provisioned user and their plaintext API key. */
    public record User(String id, String apiKey) {
    }
}
