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
        String opsBindHost,
        int opsPort,
        String controlUrl,
        String controlInternalUrl,
        String internalToken,
        String encryptionKeyBase64,
        String upstreamUrl,
        String nodeId,
        Path dataDir,
        int markupBasisPoints,
        long webResultNanos,
        String topUpUrl,
        Path tlsCert,
        Path tlsKey,
        int ioThreads,
        int maxConnections,
        int maxConnectionsPerAddress,
        int maxHeaderBytes,
        int maxBodyBytes,
        long bodyMemoryBytes,
        Duration newConnectionTimeout,
        Duration idleTimeout,
        Duration headerTimeout,
        Duration bodyTimeout,
        Duration upstreamConnectTimeout,
        Duration upstreamFirstByteTimeout,
        Duration upstreamChunkTimeout,
        Duration writeStallTimeout,
        Duration orphanTimeout,
        Duration inFlightRecordAfter,
        Duration shutdownGrace,
        Duration warmUp,
        Duration warmUpMin,
        long globalRequestsPerMinute,
        long globalBurst,
        long unauthenticatedPerMinute,
        long validationsPerMinute,
        long accountCallsPerMinute,
        Duration negativeKeyCacheTtl,
        int maxKeyLookupsInFlight,
        Duration modelsRefreshInterval,
        boolean forwardSimHeaders,
        boolean startFeed,
        int journalRingSize,
        long journalDiskFloorBytes,
        int breakerFailureThreshold,
        int breakerMinUsers,
        Duration breakerOpenDuration,
        Path upstreamCaFile,
        Path controlCaFile) {

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

    /**
     * The throwaway copy warm-up traffic runs through: this node's threads and limits, a loopback
     * upstream stand-in, its own data directory, no feed, no warm-up of its own, no global or
     * per-address limit.
     */
    public GatewayConfig forWarmUp(String upstream, Path directory) {
        Builder b = builder();
        b.ioThreads = ioThreads;
        b.upstreamUrl = upstream;
        b.dataDir = directory;
        b.port = 0;
        b.opsPort = 0;
        b.startFeed = false;
        b.journalDiskFloorBytes = 0;
        b.encryptionKeyBase64 = encryptionKeyBase64;
        b.globalRequestsPerMinute = Integer.MAX_VALUE;
        b.globalBurst = Integer.MAX_VALUE;
        // the warm-up's refused keys come from one address: they must meet the refusal, not its limit
        b.unauthenticatedPerMinute = Integer.MAX_VALUE;
        b.nodeId = "warmup";
        return b.build();
    }

    /** The settings still at a development default, by environment name (empty in a real deployment). */
    public java.util.List<String> developmentDefaultsInUse() {
        java.util.List<String> names = new java.util.ArrayList<>();
        if (DEV_INTERNAL_TOKEN.equals(internalToken)) {
            names.add("DEXTO_INTERNAL_TOKEN");
        }
        if (DEV_ENCRYPTION_KEY.equals(encryptionKeyBase64)) {
            names.add("ENCRYPTION_KEY");
        }
        return names;
    }

    public static GatewayConfig fromEnv(Map<String, String> env) {
        Builder b = builder();
        b.bindHost = env.getOrDefault("DEXTO_GATEWAY_BIND", "0.0.0.0");
        b.port = intOf(env, "DEXTO_GATEWAY_PORT", 8080);
        b.opsBindHost = env.getOrDefault("DEXTO_GATEWAY_OPS_BIND", b.opsBindHost);
        b.opsPort = intOf(env, "DEXTO_GATEWAY_OPS_PORT", 8081);
        b.controlUrl = env.getOrDefault("DEXTO_CONTROL_URL", b.controlUrl);
        b.controlInternalUrl = env.getOrDefault("DEXTO_CONTROL_INTERNAL_URL", b.controlUrl);
        b.internalToken = env.getOrDefault("DEXTO_INTERNAL_TOKEN", DEV_INTERNAL_TOKEN);
        b.encryptionKeyBase64 = env.getOrDefault("ENCRYPTION_KEY", DEV_ENCRYPTION_KEY);
        b.upstreamUrl = env.getOrDefault("DEXTO_UPSTREAM_URL", b.upstreamUrl);
        b.nodeId = env.getOrDefault("DEXTO_NODE_ID", b.nodeId);
        b.dataDir = Path.of(env.getOrDefault("DEXTO_DATA_DIR", "./.dexto"));
        b.markupBasisPoints = markupOf(env.getOrDefault("DEXTO_MARKUP_PERCENT", "0"));
        b.webResultNanos = ai.dexto.gateway.common.money.Money.parseUsd(
                env.getOrDefault("DEXTO_WEB_SEARCH_USD_PER_RESULT", "0.004"));
        b.topUpUrl = env.getOrDefault("DEXTO_TOPUP_URL", b.topUpUrl);
        b.tlsCert = pathOf(env, "DEXTO_TLS_CERT");
        b.tlsKey = pathOf(env, "DEXTO_TLS_KEY");
        b.upstreamCaFile = pathOf(env, "DEXTO_UPSTREAM_CA_FILE");
        b.controlCaFile = pathOf(env, "DEXTO_CONTROL_CA_FILE");
        b.ioThreads = intOf(env, "DEXTO_GATEWAY_IO_THREADS", b.ioThreads);
        b.maxConnections = intOf(env, "DEXTO_GATEWAY_MAX_CONNECTIONS", b.maxConnections);
        b.maxConnectionsPerAddress = intOf(env, "DEXTO_GATEWAY_MAX_CONNECTIONS_PER_ADDRESS", b.maxConnectionsPerAddress);
        b.maxHeaderBytes = intOf(env, "DEXTO_GATEWAY_MAX_HEADER_BYTES", b.maxHeaderBytes);
        b.maxBodyBytes = intOf(env, "DEXTO_GATEWAY_MAX_BODY_BYTES", b.maxBodyBytes);
        b.bodyMemoryBytes = intOf(env, "DEXTO_GATEWAY_BODY_MEMORY_MB", (int) (b.bodyMemoryBytes >> 20)) * (1L << 20);
        b.newConnectionTimeout = millis(env, "DEXTO_GATEWAY_NEW_CONNECTION_TIMEOUT_MS", b.newConnectionTimeout);
        b.idleTimeout = millis(env, "DEXTO_GATEWAY_IDLE_TIMEOUT_MS", b.idleTimeout);
        b.headerTimeout = millis(env, "DEXTO_GATEWAY_HEADER_TIMEOUT_MS", b.headerTimeout);
        b.bodyTimeout = millis(env, "DEXTO_GATEWAY_BODY_TIMEOUT_MS", b.bodyTimeout);
        b.upstreamConnectTimeout = millis(env, "DEXTO_UPSTREAM_CONNECT_TIMEOUT_MS", b.upstreamConnectTimeout);
        b.upstreamFirstByteTimeout = millis(env, "DEXTO_UPSTREAM_FIRST_BYTE_TIMEOUT_MS", b.upstreamFirstByteTimeout);
        b.upstreamChunkTimeout = millis(env, "DEXTO_UPSTREAM_CHUNK_TIMEOUT_MS", b.upstreamChunkTimeout);
        b.writeStallTimeout = millis(env, "DEXTO_GATEWAY_WRITE_STALL_TIMEOUT_MS", b.writeStallTimeout);
        b.orphanTimeout = millis(env, "DEXTO_UPSTREAM_ORPHAN_TIMEOUT_MS", b.orphanTimeout);
        b.inFlightRecordAfter = millis(env, "DEXTO_INFLIGHT_RECORD_AFTER_MS", b.inFlightRecordAfter);
        b.shutdownGrace = millis(env, "DEXTO_GATEWAY_SHUTDOWN_GRACE_MS", b.shutdownGrace);
        b.globalRequestsPerMinute = intOf(env, "DEXTO_GLOBAL_REQUESTS_PER_MINUTE", 10_000);
        b.globalBurst = intOf(env, "DEXTO_GLOBAL_BURST", (int) Math.max(1, b.globalRequestsPerMinute / 6));
        b.unauthenticatedPerMinute = intOf(env, "DEXTO_UNAUTHENTICATED_PER_MINUTE", (int) b.unauthenticatedPerMinute);
        b.validationsPerMinute = intOf(env, "DEXTO_VALIDATIONS_PER_MINUTE", (int) b.validationsPerMinute);
        b.accountCallsPerMinute = intOf(env, "DEXTO_ACCOUNT_CALLS_PER_MINUTE", (int) b.accountCallsPerMinute);
        b.journalDiskFloorBytes = intOf(env, "DEXTO_JOURNAL_DISK_FLOOR_MB", (int) (b.journalDiskFloorBytes >> 20))
                * (1L << 20);
        b.warmUp = millis(env, "DEXTO_GATEWAY_WARMUP_MS", Duration.ofSeconds(30));
        b.warmUpMin = millis(env, "DEXTO_GATEWAY_WARMUP_MIN_MS", b.warmUpMin);
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

    private static Duration millis(Map<String, String> env, String name, Duration fallback) {
        return Duration.ofMillis(intOf(env, name, (int) fallback.toMillis()));
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
        /** The ops port (/metrics, /ready) is for the node's operators: loopback unless configured. */
        public String opsBindHost = "127.0.0.1";
        public int opsPort = 8081;
        public String controlUrl = "http://127.0.0.1:8082";
        public String controlInternalUrl;
        public String internalToken = DEV_INTERNAL_TOKEN;
        public String encryptionKeyBase64 = DEV_ENCRYPTION_KEY;
        public String upstreamUrl = "http://127.0.0.1:8090/api/v1";
        public String nodeId = "local-1";
        public Path dataDir = Path.of("./.dexto");
        public int markupBasisPoints = 0;
        /** OpenRouter's web plugin: $4 per 1,000 results. */
        public long webResultNanos = 4_000_000;
        public String topUpUrl = "https://dexto.ai/billing";
        public Path tlsCert;
        public Path tlsKey;
        public int ioThreads = Runtime.getRuntime().availableProcessors();
        public int maxConnections = 10_000;
        public int maxConnectionsPerAddress = 512;
        public int maxHeaderBytes = 16 * 1024;
        public int maxBodyBytes = 4 * 1024 * 1024;
        public long bodyMemoryBytes = 256L << 20;
        public Duration newConnectionTimeout = Duration.ofSeconds(10);
        public Duration idleTimeout = Duration.ofSeconds(60);
        public Duration headerTimeout = Duration.ofSeconds(10);
        public Duration bodyTimeout = Duration.ofSeconds(30);
        public Duration upstreamConnectTimeout = Duration.ofSeconds(5);
        public Duration upstreamFirstByteTimeout = Duration.ofSeconds(120);
        public Duration upstreamChunkTimeout = Duration.ofSeconds(60);
        public Duration writeStallTimeout = Duration.ofSeconds(30);
        public Duration orphanTimeout = Duration.ofMinutes(10);
        /** A stream still running after this gets an in-flight journal record (crash safety); 0: at once. */
        public Duration inFlightRecordAfter = Duration.ofSeconds(1);
        public Duration shutdownGrace = Duration.ofSeconds(10);
        /**
         * The longest the warm-up traffic runs through a throwaway copy before the ports open; it ends
         * sooner once the JIT goes quiet, but not before {@link #warmUpMin} (off in tests; 30 s at most
         * from the environment).
         */
        public Duration warmUp = Duration.ZERO;
        public Duration warmUpMin = Duration.ofSeconds(2);
        public long globalRequestsPerMinute = 10_000;
        public long globalBurst = 1_000;
        public long unauthenticatedPerMinute = 120;
        public long validationsPerMinute = 120;
        public long accountCallsPerMinute = 600;
        public Duration negativeKeyCacheTtl = Duration.ofSeconds(60);
        public int maxKeyLookupsInFlight = 64;
        public Duration modelsRefreshInterval = Duration.ofHours(1);
        public boolean forwardSimHeaders;
        public boolean startFeed = true;
        public int journalRingSize = 1 << 16;
        public long journalDiskFloorBytes = 256L << 20;
        public int breakerFailureThreshold = 5;
        public int breakerMinUsers = 3;
        public Duration breakerOpenDuration = Duration.ofSeconds(5);
        /** Extra trust anchors (PEM) for an https upstream; null: the JVM's default trust store. */
        public Path upstreamCaFile;
        public Builder upstreamCaFile(Path p) { upstreamCaFile = p; return this; }
        /** Extra trust anchors (PEM) for an https control plane (a private CA); null: the JVM's default. */
        public Path controlCaFile;
        public Builder breaker(int failures, int minUsers, Duration open) {
            breakerFailureThreshold = failures; breakerMinUsers = minUsers; breakerOpenDuration = open; return this;
        }

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
        public Builder bodyTimeout(Duration d) { bodyTimeout = d; return this; }
        public Builder upstreamFirstByteTimeout(Duration d) { upstreamFirstByteTimeout = d; return this; }
        public Builder upstreamChunkTimeout(Duration d) { upstreamChunkTimeout = d; return this; }
        public Builder globalLimit(long perMinute, long burst) { globalRequestsPerMinute = perMinute; globalBurst = burst; return this; }
        public Builder tls(Path cert, Path key) { tlsCert = cert; tlsKey = key; return this; }

        public GatewayConfig build() {
            return new GatewayConfig(bindHost, port, opsBindHost, opsPort, controlUrl,
                    controlInternalUrl != null ? controlInternalUrl : controlUrl, internalToken, encryptionKeyBase64,
                    upstreamUrl, nodeId, dataDir, markupBasisPoints, webResultNanos, topUpUrl, tlsCert, tlsKey,
                    ioThreads, maxConnections, maxConnectionsPerAddress, maxHeaderBytes, maxBodyBytes, bodyMemoryBytes,
                    newConnectionTimeout, idleTimeout, headerTimeout, bodyTimeout, upstreamConnectTimeout,
                    upstreamFirstByteTimeout, upstreamChunkTimeout, writeStallTimeout, orphanTimeout, inFlightRecordAfter,
                    shutdownGrace, warmUp, warmUpMin,
                    globalRequestsPerMinute, globalBurst, unauthenticatedPerMinute, validationsPerMinute,
                    accountCallsPerMinute, negativeKeyCacheTtl, maxKeyLookupsInFlight, modelsRefreshInterval,
                    forwardSimHeaders, startFeed, journalRingSize, journalDiskFloorBytes, breakerFailureThreshold,
                    breakerMinUsers, breakerOpenDuration, upstreamCaFile, controlCaFile);
        }
    }
}
