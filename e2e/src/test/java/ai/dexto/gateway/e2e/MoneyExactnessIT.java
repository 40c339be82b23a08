package ai.dexto.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bill is right: a mixed workload on one user — answers read whole, streams read whole, streams
 * the client leaves after a few tokens, streams left before their first token, and non-streamed
 * answers left before they arrive — leaves the user billed exactly what the upstream charged that
 * user's upstream key (the simulator's provisioning API reports each key's {@code usage}), to the
 * nano-dollar, with nothing pending, no reservation open and the ledger invariant holding.
 */
@Timeout(180)
class MoneyExactnessIT {
    static LocalSystem system;
    static String model;

    @BeforeAll
    static void start() throws Exception {
        system = SharedSystem.get();
        model = system.firstModel();
    }

    private String body(boolean stream, int maxTokens) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + LocalSystem.prompt("the bill is right") + "\"}]}";
    }

    /**
     * Sends a chat over a raw socket and hangs up once {@code leaveAfter} SSE data lines arrived (0: as
     * soon as the response head did; -1: right after sending, before any answer; MAX: at the end).
     */
    private void chat(String key, boolean stream, int leaveAfter, String extraHeaders) throws Exception {
        URI gw = URI.create(system.gatewayUrl());
        String b = body(stream, 200);
        try (Socket s = new Socket(gw.getHost(), gw.getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nConnection: close\r\n" + extraHeaders
                    + "Content-Length: " + b.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + b)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (leaveAfter < 0) {
                return;
            }
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                if (seen.indexOf("\r\n\r\n") >= 0 && !seen.substring(0, 12).contains(" 200")) {
                    throw new AssertionError("refused: " + seen);
                }
                if (leaveAfter == 0 && seen.indexOf("\r\n\r\n") >= 0) {
                    return;
                }
                if (leaveAfter != Integer.MAX_VALUE && Ledgers.count(seen, "data: {") >= leaveAfter) {
                    return;
                }
            }
        }
    }

    @Test
    void aMixedWorkloadWithAbortsIsBilledExactlyWhatTheUpstreamCharged() throws Exception {
        LocalSystem.User user = system.provisionUser();
        system.admin("PUT", "/users/" + user.id() + "/tier", "{\"tier\":\"unlimited\"}");
        long before = Ledgers.balance(system, user);
        String paced = "X-Sim-Inter-Token-Ms: 30\r\n";
        List<Runnable> work = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            work.add(() -> run(() -> chat(user.apiKey(), false, Integer.MAX_VALUE, "")));
            work.add(() -> run(() -> chat(user.apiKey(), true, Integer.MAX_VALUE, "")));
            work.add(() -> run(() -> chat(user.apiKey(), true, 5, paced)));
        }
        for (int i = 0; i < 5; i++) {
            work.add(() -> run(() -> chat(user.apiKey(), true, 0, "X-Sim-TTFT-Ms: 1500\r\n")));
            work.add(() -> run(() -> chat(user.apiKey(), false, -1, "X-Sim-TTFT-Ms: 800\r\n")));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CompletableFuture.allOf(work.stream().map(w -> CompletableFuture.runAsync(w, pool))
                    .toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        long upstream = awaitSettled(user, 40);
        long billed = before - Ledgers.balance(system, user);
        assertTrue(billed > 0);
        assertEquals(Money.format(upstream), Money.format(billed),
                "billed = what the upstream charged the user's key, to the nano-dollar");
        JsonNode audit = system.json(system.admin("GET", "/audit", null));
        assertTrue(audit.path("ok").asBoolean(), audit.toString());
    }

    /**
     * Waits until the 40 requests are settled everywhere: the gateway holds no open exchange, the
     * ledger has their final rows and nothing pending, and the upstream's usage of the key stopped
     * moving; returns that usage in nanos.
     */
    private long awaitSettled(LocalSystem.User user, int requests) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            String metrics = system.call("GET", system.gatewayOpsUrl() + "/metrics", null, null, 200);
            boolean gatewayIdle = metrics.contains("dexto_gateway_open_exchanges 0.0");
            JsonNode usage = system.json(system.call("GET", system.controlUrl() + "/me/usage?recent_limit=100", user.apiKey(),
                    null, 200));
            long finals = 0;
            for (JsonNode row : usage.path("recent")) {
                if (!row.path("status").asText().equals("in_flight")) {
                    finals++;
                }
            }
            JsonNode audit = system.json(system.admin("GET", "/audit", null));
            long pending = audit.path("reconciliation").path("pending_usage").asLong();
            state = "idle=" + gatewayIdle + " finals=" + finals + " pending=" + pending;
            if (gatewayIdle && finals == requests && pending == 0) {
                return Ledgers.upstreamUsage(system, user);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not settled in time: " + state);
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void run(Step s) {
        try {
            s.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
