package ai.dexto.gateway.dataplane;

import ai.dexto.gateway.common.feed.FeedChanges;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.Json;
import ai.dexto.gateway.common.feed.KeyLookup;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control plane's {@code /internal} API as the contract describes it (feed, key lookups, the
 * upstream-key heal), for the data plane's own tests; and, on its public side, an echo of what a
 * forwarded account call looked like when it arrived, for the forwarder's tests.
 */
final class StubControlPlane implements AutoCloseable {
    final ObjectMapper mapper = Json.newMapper();
    final LinkedBlockingQueue<FeedChanges> changes = new LinkedBlockingQueue<>();
    final Map<String, KeyLookup> lookups = new ConcurrentHashMap<>();
    final AtomicInteger lookupCalls = new AtomicInteger();
    /** While set, key lookups wait for it before answering (a slow control plane, for coalescing tests). */
    volatile java.util.concurrent.CountDownLatch holdLookups;
    volatile FeedSnapshot snapshot;
    /** Answers a heal for a user: the new sealed key (null: refuse with 503). */
    volatile java.util.function.Function<String, String> healer = user -> null;
    final AtomicInteger healCalls = new AtomicInteger();
    /** The {@code traceparent} of the last heal and the last key lookup. */
    volatile String healTrace;
    volatile String lookupTrace;
    final AtomicInteger publicCalls = new AtomicInteger();
    private final HttpServer server;

    StubControlPlane(FeedSnapshot snapshot) throws IOException {
        this.snapshot = snapshot;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/internal/", this::handle);
        server.createContext("/", this::echo);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        if (!("Bearer " + GatewayConfig.DEV_INTERNAL_TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
            send(x, 401, Map.of("error", "unauthorized"));
            return;
        }
        String path = x.getRequestURI().getPath();
        try {
            if (path.equals("/internal/feed/snapshot")) {
                send(x, 200, snapshot);
            } else if (path.equals("/internal/feed/changes")) {
                FeedChanges c = changes.poll(2, TimeUnit.SECONDS);
                send(x, 200, c != null ? c : new FeedChanges(snapshot.cursor(), false, List.of(), List.of(), List.of()));
            } else if (path.startsWith("/internal/users/") && path.endsWith("/upstream-key/heal")) {
                healTrace = x.getRequestHeaders().getFirst("traceparent");
                healCalls.incrementAndGet();
                String user = java.net.URLDecoder.decode(path.substring("/internal/users/".length(),
                        path.length() - "/upstream-key/heal".length()), java.nio.charset.StandardCharsets.UTF_8);
                String sealed = healer.apply(user);
                if (sealed == null) {
                    send(x, 503, Map.of("error", Map.of("message", "cannot heal", "type", "x", "code", "x")));
                } else {
                    send(x, 200, Map.of("upstream_key_ciphertext", sealed));
                }
            } else if (path.startsWith("/internal/keys/")) {
                lookupTrace = x.getRequestHeaders().getFirst("traceparent");
                lookupCalls.incrementAndGet();
                java.util.concurrent.CountDownLatch hold = holdLookups;
                if (hold != null && !hold.await(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("a held key lookup was never released");
                }
                KeyLookup l = lookups.get(path.substring("/internal/keys/".length()));
                if (l == null) {
                    send(x, 404, Map.of("error", Map.of("message", "no such key", "type", "not_found", "code", "not_found")));
                } else {
                    send(x, 200, l);
                }
            } else {
                send(x, 404, Map.of());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The public API's stand-in: describes the request it got; {@code /me/big} streams {@code ?mb=} megabytes. */
    private void echo(HttpExchange x) throws IOException {
        publicCalls.incrementAndGet();
        String path = x.getRequestURI().getPath();
        if (path.equals("/me/big")) {
            int mb = Integer.parseInt(x.getRequestURI().getQuery().substring(3));
            x.getResponseHeaders().set("Content-Type", "text/csv");
            x.sendResponseHeaders(200, 0);
            byte[] line = new byte[1024];
            java.util.Arrays.fill(line, (byte) 'a');
            line[1023] = '\n';
            try (var out = x.getResponseBody()) {
                for (int i = 0; i < mb * 1024; i++) {
                    out.write(line);
                }
            }
            return;
        }
        Map<String, Object> seen = new java.util.LinkedHashMap<>();
        seen.put("method", x.getRequestMethod());
        seen.put("uri", x.getRequestURI().toString());
        Map<String, String> headers = new java.util.TreeMap<>();
        x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
        seen.put("headers", headers);
        seen.put("body", new String(x.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        x.getResponseHeaders().set("X-Dexto-Request-ID", headers.getOrDefault("x-dexto-request-id", "none"));
        send(x, path.equals("/api/teapot") ? 418 : 200, seen);
    }

    private void send(HttpExchange x, int status, Object body) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
