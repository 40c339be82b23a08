package ai.dexto.gateway.dataplane;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the gateway is configured with. {@link #fromEnv(Map)} reads the names of
 * {@code docs/contracts.md}; tests build one with {@link #builder()} and port 0.
 */
public record GatewayConfig(
        String bindHost,
        int port,
        int opsPort,
        String controlUrl,
        String controlInternalUrl,
        String internalToken,
        String encryptionKeyBase64,
        String upstreamUrl,
        String nodeId,
        Path dataDir,
        int markupBasisPoints,
        String topUpUrl,
        Path tlsCert,
        Path tlsKey,
        int ioThreads,
        int maxConnections,
        int maxHeaderBytes,
        int maxBodyBytes,
        Duration requestReadTimeout,
        Duration idleTimeout,
        Duration upstreamConnectTimeout,
        Duration upstreamFirstByteTimeout,
        Duration upstreamChunkTimeout,
        long globalRequestsPerMinute,
        long globalBurst,
        Duration negativeKeyCacheTtl,
        Duration modelsRefreshInterval,
        boolean forwardSimHeaders,
        boolean startFeed,
        int journalRingSize,
        int breakerFailureThreshold,
        Duration breakerOpenDuration,
        Path upstreamCaFile) {

    /** Development default shared with the control plane; production sets {@code DEXTO_INTERNAL_TOKEN}. */
    public static final String DEV_INTERNAL_TOKEN = "dev-internal-token";
    /** Development default shared with the control plane; production sets {@code ENCRYPTION_KEY}. */
    public static final String DEV_ENCRYPTION_KEY = "ZGV2LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGVzLWxvbmc=";

    public Path journalDir() {
        return dataDir.resolve("journal").resolve(nodeId);
    }

    public boolean tlsEnabled() {
        return tlsCert != null && tlsKey != null;
    }

    public static GatewayConfig fromEnv(Map<String, String> env) {
        Builder b = builder();
        b.bindHost = env.getOrDefault("DEXTO_GATEWAY_BIND", "0.0.0.0");
        b.port = intOf(env, "DEXTO_GATEWAY_PORT", 8080);
        b.opsPort = intOf(env, "DEXTO_GATEWAY_OPS_PORT", 8081);
        b.controlUrl = env.getOrDefault("DEXTO_CONTROL_URL", b.controlUrl);
        b.controlInternalUrl = env.getOrDefault("DEXTO_CONTROL_INTERNAL_URL", b.controlUrl);
        b.internalToken = env.getOrDefault("DEXTO_INTERNAL_TOKEN", DEV_INTERNAL_TOKEN);
        b.encryptionKeyBase64 = env.getOrDefault("ENCRYPTION_KEY", DEV_ENCRYPTION_KEY);
        b.upstreamUrl = env.getOrDefault("DEXTO_UPSTREAM_URL", b.upstreamUrl);
        b.nodeId = env.getOrDefault("DEXTO_NODE_ID", b.nodeId);
        b.dataDir = Path.of(env.getOrDefault("DEXTO_DATA_DIR", "./.dexto"));
        b.markupBasisPoints = markupOf(env.getOrDefault("DEXTO_MARKUP_PERCENT", "0"));
        b.topUpUrl = env.getOrDefault("DEXTO_TOPUP_URL", b.topUpUrl);
        b.tlsCert = pathOf(env, "DEXTO_TLS_CERT");
        b.tlsKey = pathOf(env, "DEXTO_TLS_KEY");
        b.upstreamCaFile = pathOf(env, "DEXTO_UPSTREAM_CA_FILE");
        b.ioThreads = intOf(env, "DEXTO_GATEWAY_IO_THREADS", b.ioThreads);
        b.maxConnections = intOf(env, "DEXTO_GATEWAY_MAX_CONNECTIONS", b.maxConnections);
        b.maxHeaderBytes = intOf(env, "DEXTO_GATEWAY_MAX_HEADER_BYTES", b.maxHeaderBytes);
        b.maxBodyBytes = intOf(env, "DEXTO_GATEWAY_MAX_BODY_BYTES", b.maxBodyBytes);
        b.requestReadTimeout = Duration.ofMillis(intOf(env, "DEXTO_GATEWAY_READ_TIMEOUT_MS", 30_000));
        b.idleTimeout = Duration.ofMillis(intOf(env, "DEXTO_GATEWAY_IDLE_TIMEOUT_MS", 120_000));
        b.upstreamConnectTimeout = Duration.ofMillis(intOf(env, "DEXTO_UPSTREAM_CONNECT_TIMEOUT_MS", 5_000));
        b.upstreamFirstByteTimeout = Duration.ofMillis(intOf(env, "DEXTO_UPSTREAM_FIRST_BYTE_TIMEOUT_MS", 120_000));
        b.upstreamChunkTimeout = Duration.ofMillis(intOf(env, "DEXTO_UPSTREAM_CHUNK_TIMEOUT_MS", 60_000));
        b.globalRequestsPerMinute = intOf(env, "DEXTO_GLOBAL_REQUESTS_PER_MINUTE", 10_000);
        b.globalBurst = intOf(env, "DEXTO_GLOBAL_BURST", (int) Math.max(1, b.globalRequestsPerMinute / 6));
        // off unless asked for: X-Sim-* headers only mean something to the simulator
        b.forwardSimHeaders = "true".equalsIgnoreCase(env.getOrDefault("DEXTO_FORWARD_SIM_HEADERS", "false"));
        return b.build();
    }

    /** "10" → 1000 basis points, "2.5" → 250. */
    static int markupOf(String percent) {
        return new java.math.BigDecimal(percent.trim()).movePointRight(2).intValueExact();
    }

    private static int intOf(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
    }

    private static Path pathOf(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : Path.of(v);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults for everything; tests override a few fields. */
    public static final class Builder {
        public String bindHost = "127.0.0.1";
        public int port = 8080;
        public int opsPort = 8081;
        public String controlUrl = "http://127.0.0.1:8082";
        /** The control plane's internal port (feed, key lookups); null: {@link #controlUrl}. */
        public String controlInternalUrl;
        public String internalToken = DEV_INTERNAL_TOKEN;
        public String encryptionKeyBase64 = DEV_ENCRYPTION_KEY;
        public String upstreamUrl = "http://127.0.0.1:8090/api/v1";
        public String nodeId = "local-1";
        public Path dataDir = Path.of("./.dexto");
        public int markupBasisPoints = 0;
        public String topUpUrl = "https://dexto.ai/billing";
        public Path tlsCert;
        public Path tlsKey;
        public int ioThreads = Runtime.getRuntime().availableProcessors();
        public int maxConnections = 10_000;
        public int maxHeaderBytes = 16 * 1024;
        public int maxBodyBytes = 4 * 1024 * 1024;
        public Duration requestReadTimeout = Duration.ofSeconds(30);
        public Duration idleTimeout = Duration.ofSeconds(120);
        public Duration upstreamConnectTimeout = Duration.ofSeconds(5);
        public Duration upstreamFirstByteTimeout = Duration.ofSeconds(120);
        public Duration upstreamChunkTimeout = Duration.ofSeconds(60);
        public long globalRequestsPerMinute = 10_000;
        public long globalBurst = 1_000;
        public Duration negativeKeyCacheTtl = Duration.ofSeconds(5);
        public Duration modelsRefreshInterval = Duration.ofHours(1);
        public boolean forwardSimHeaders;
        public boolean startFeed = true;
        public int journalRingSize = 1 << 14;
        public int breakerFailureThreshold = 5;
        public Duration breakerOpenDuration = Duration.ofSeconds(5);
        /** Extra trust anchors (PEM) for an https upstream; null: the JVM's default trust store. */
        public Path upstreamCaFile;
        public Builder upstreamCaFile(Path p) { upstreamCaFile = p; return this; }
        public Builder breaker(int failures, Duration open) { breakerFailureThreshold = failures; breakerOpenDuration = open; return this; }

        public Builder port(int p) { port = p; return this; }
        public Builder opsPort(int p) { opsPort = p; return this; }
        public Builder upstreamUrl(String u) { upstreamUrl = u; return this; }
        public Builder controlUrl(String u) { controlUrl = u; return this; }
        public Builder dataDir(Path d) { dataDir = d; return this; }
        public Builder nodeId(String n) { nodeId = n; return this; }
        public Builder markupBasisPoints(int bp) { markupBasisPoints = bp; return this; }
        public Builder startFeed(boolean f) { startFeed = f; return this; }
        public Builder ioThreads(int n) { ioThreads = n; return this; }
        public Builder maxConnections(int n) { maxConnections = n; return this; }
        public Builder maxBodyBytes(int n) { maxBodyBytes = n; return this; }
        public Builder requestReadTimeout(Duration d) { requestReadTimeout = d; return this; }
        public Builder upstreamFirstByteTimeout(Duration d) { upstreamFirstByteTimeout = d; return this; }
        public Builder upstreamChunkTimeout(Duration d) { upstreamChunkTimeout = d; return this; }
        public Builder globalLimit(long perMinute, long burst) { globalRequestsPerMinute = perMinute; globalBurst = burst; return this; }
        public Builder tls(Path cert, Path key) { tlsCert = cert; tlsKey = key; return this; }

        public GatewayConfig build() {
            return new GatewayConfig(bindHost, port, opsPort, controlUrl,
                    controlInternalUrl == null ? controlUrl : controlInternalUrl, internalToken, encryptionKeyBase64,
                    upstreamUrl, nodeId, dataDir, markupBasisPoints, topUpUrl, tlsCert, tlsKey, ioThreads,
                    maxConnections, maxHeaderBytes, maxBodyBytes, requestReadTimeout, idleTimeout,
                    upstreamConnectTimeout, upstreamFirstByteTimeout, upstreamChunkTimeout,
                    globalRequestsPerMinute, globalBurst, negativeKeyCacheTtl, modelsRefreshInterval,
                    forwardSimHeaders, startFeed, journalRingSize, breakerFailureThreshold, breakerOpenDuration, upstreamCaFile);
        }
    }
}
