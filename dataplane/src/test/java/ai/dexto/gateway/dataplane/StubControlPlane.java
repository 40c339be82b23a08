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

/** The control plane's {@code /internal} feed API as the contract describes it, for feed tests. */
final class StubControlPlane implements AutoCloseable {
    final ObjectMapper mapper = Json.newMapper();
    final LinkedBlockingQueue<FeedChanges> changes = new LinkedBlockingQueue<>();
    final Map<String, KeyLookup> lookups = new ConcurrentHashMap<>();
    final AtomicInteger lookupCalls = new AtomicInteger();
    volatile FeedSnapshot snapshot;
    private final HttpServer server;

    StubControlPlane(FeedSnapshot snapshot) throws IOException {
        this.snapshot = snapshot;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/internal/", this::handle);
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
            } else if (path.startsWith("/internal/keys/")) {
                lookupCalls.incrementAndGet();
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
