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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 of the gateway mid-stream, then a restart on the same journal: every event it had
 * journaled is applied once (none lost, none twice), the stream it was relaying when it died is
 * still billed — its in-flight record lets the control plane settle it from the upstream's record —
 * and the user's bill equals what the upstream charged the user's key, with the ledger invariant
 * intact and nothing pending.
 */
@Timeout(240)
class GatewayCrashIT {
    static LocalSystem system;
    static String model;

    @BeforeAll
    static void start() throws Exception {
        system = LocalSystem.start(Map.of(
                "DEXTO_INFLIGHT_RECORD_AFTER_MS", "300",
                "DEXTO_RECONCILE_IN_FLIGHT_AFTER_MS", "3000"));
        model = system.firstModel();
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    private String body(boolean stream, int tokens) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":" + tokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + LocalSystem.prompt("crash me") + "\"}]}";
    }

    @Test
    void aKilledGatewaysJournalIsAppliedOnceAndItsOpenStreamIsStillBilledExactly() throws Exception {
        LocalSystem.User user = system.provisionUser();
        system.admin("PUT", "/users/" + user.id() + "/tier", "{\"tier\":\"unlimited\"}");
        long before = Ledgers.balance(system, user);
        for (int i = 0; i < 5; i++) {
            assertEquals(200, system.send("POST", system.gatewayUrl() + "/v1/chat/completions", user.apiKey(),
                    body(i % 2 == 0, 20)).statusCode());
        }
        URI gw = URI.create(system.gatewayUrl());
        try (Socket s = new Socket(gw.getHost(), gw.getPort())) {
            s.setSoTimeout(30_000);
            String b = body(true, 400);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + user.apiKey()
                    + "\r\nContent-Type: application/json\r\nX-Sim-Answer-Tokens: 400\r\nX-Sim-Inter-Token-Ms: 40\r\n"
                    + "Content-Length: " + b.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + b)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            while (Ledgers.count(seen, "data: {") < 25) { // ~1 s in: past the in-flight record's delay
                int n = in.read(buf);
                assertTrue(n > 0, "the stream ended early: " + seen);
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            awaitInFlightRow(user);
            system.killGateway();
        }
        system.startGateway();

        long upstream = awaitSettled(user, 6);
        long billed = before - Ledgers.balance(system, user);
        assertEquals(Money.format(upstream), Money.format(billed),
                "billed = what the upstream charged the key, the killed stream included");
        JsonNode audit = system.json(system.admin("GET", "/audit", null));
        assertTrue(audit.path("ok").asBoolean(), audit.toString());
    }

    private void awaitInFlightRow(LocalSystem.User user) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode row : Ledgers.usage(system, user).path("recent")) {
                if (row.path("status").asText().equals("in_flight")) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the stream's in-flight record never reached the ledger");
    }

    /** Waits for {@code requests} complete rows, none pending, and returns the key's upstream usage. */
    private long awaitSettled(LocalSystem.User user, int requests) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            JsonNode usage = Ledgers.usage(system, user);
            long complete = 0;
            boolean open = false;
            for (JsonNode row : usage.path("recent")) {
                open |= row.path("status").asText().equals("in_flight");
                complete++;
            }
            JsonNode audit = system.json(system.admin("GET", "/audit", null));
            long pending = audit.path("reconciliation").path("pending_usage").asLong();
            state = "rows=" + complete + " open=" + open + " pending=" + pending;
            if (complete == requests && !open && pending == 0) {
                return Ledgers.upstreamUsage(system, user);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not settled in time: " + state);
    }
}
