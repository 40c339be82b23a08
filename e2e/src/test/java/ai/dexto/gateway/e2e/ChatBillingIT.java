package ai.dexto.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The product's core promise, through every real part: a request through the gateway is answered by
 * the upstream, and its exact cost lands in PostgreSQL once — visible in /me/usage and the balance,
 * with the audit clean.
 */
class ChatBillingIT {
    static LocalSystem system;
    static String model;

    @BeforeAll
    static void start() throws Exception {
        system = SharedSystem.get();
        model = system.firstModel();
    }

    static String chatBody(boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":20,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + LocalSystem.prompt("Hello from the e2e test") + "\"}]}";
    }

    @Test
    void streamedCompletionRelaysChunksEndsWithCostAndIsBilledOnceInPostgres() throws Exception {
        LocalSystem.User user = system.provisionUser();
        HttpResponse<String> r = system.send("POST", system.gatewayUrl() + "/v1/chat/completions", user.apiKey(),
                chatBody(true));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("X-Dexto-Request-ID").isPresent());
        assertTrue(r.headers().firstValue("X-Dexto-Credits-Remaining").isPresent());
        List<String> lines = r.body().lines().toList();
        assertTrue(lines.stream().filter(l -> l.startsWith("data: {")).count() >= 20, r.body());
        assertEquals("data: [DONE]", lines.stream().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElseThrow());
        String costLine = lines.stream().filter(l -> l.startsWith(": x-dexto-cost-usd=")).findFirst()
                .orElseThrow(() -> new AssertionError("no cost comment in " + r.body()));
        long cost = Money.parseUsd(costLine.substring(": x-dexto-cost-usd=".length()).trim());
        assertTrue(cost > 0);

        JsonNode usage = awaitUsage(user, 1);
        assertEquals(cost, Money.parseUsd(usage.path("total_cost").asText()));
        assertEquals(Money.parseUsd("10.00") - cost, Money.parseUsd(usage.path("balance").asText()));
        assertAuditClean();
    }

    @Test
    void nonStreamedCompletionCarriesItsCostHeaderAndIsBilledOnce() throws Exception {
        LocalSystem.User user = system.provisionUser();
        HttpResponse<String> r = system.send("POST", system.gatewayUrl() + "/v1/chat/completions", user.apiKey(),
                chatBody(false));
        assertEquals(200, r.statusCode(), r.body());
        long cost = Money.parseUsd(r.headers().firstValue("X-Dexto-Cost-USD").orElseThrow());
        assertTrue(cost > 0);
        JsonNode answer = system.json(r.body());
        assertNotNull(answer.path("choices").get(0));
        JsonNode usage = awaitUsage(user, 1);
        assertEquals(cost, Money.parseUsd(usage.path("total_cost").asText()));
        assertAuditClean();
    }

    @Test
    void concurrentRequestsAgainstASmallBalanceNeverDriveItNegative() throws Exception {
        LocalSystem.User user = system.provisionUser();
        system.admin("PUT", "/users/" + user.id() + "/tier", "{\"tier\":\"unlimited\"}");
        // Leave about five requests' worth of money.
        long one = costOfOneRequest();
        long balance = Money.parseUsd(system.json(system.call("GET", system.controlUrl() + "/me/usage",
                user.apiKey(), null, 200)).path("balance").asText());
        long debit = balance - 5 * one;
        system.admin("POST", "/users/" + user.id() + "/credits",
                "{\"amount_usd\":\"-" + Money.format(debit) + "\",\"reason\":\"e2e: leave a small balance\"}");
        int probes = awaitBalanceAtGateway(user, 5 * one);

        int n = 40;
        List<java.util.concurrent.CompletableFuture<Integer>> calls = new java.util.ArrayList<>();
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        for (int i = 0; i < n; i++) {
            calls.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(system.gatewayUrl() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + user.apiKey())
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(chatBody(true))).build(),
                    HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode));
        }
        long ok = 0;
        long refused = 0;
        for (var c : calls) {
            int status = c.get();
            if (status == 200) {
                ok++;
            } else if (status == 402) {
                refused++;
            }
        }
        assertEquals(n, ok + refused);
        assertTrue(ok >= 1 && refused >= 1, "ok=" + ok + " refused=" + refused);
        JsonNode usage = awaitUsage(user, ok + probes);
        assertTrue(Money.parseUsd(usage.path("balance").asText()) >= 0, usage.toString());
        assertAuditClean();
    }

    private long costOfOneRequest() throws Exception {
        LocalSystem.User probe = system.provisionUser();
        HttpResponse<String> r = system.send("POST", system.gatewayUrl() + "/v1/chat/completions", probe.apiKey(),
                chatBody(false));
        assertEquals(200, r.statusCode(), r.body());
        return Money.parseUsd(r.headers().firstValue("X-Dexto-Cost-USD").orElseThrow());
    }

    /**
     * Chats (billed) until the gateway's remaining credits show the debit the feed carries to it;
     * returns how many probes were billed.
     */
    private int awaitBalanceAtGateway(LocalSystem.User user, long atMost) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int billed = 0;
        String last = "none";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = system.send("POST", system.gatewayUrl() + "/v1/chat/completions", user.apiKey(),
                    chatBody(false));
            assertEquals(200, r.statusCode(), r.body());
            billed++;
            last = r.headers().firstValue("X-Dexto-Credits-Remaining").orElseThrow();
            if (Money.parseUsd(last) <= atMost) {
                return billed; // each probe waits for its own answer: the round trip paces the loop
            }
        }
        throw new AssertionError("the gateway never saw the debit: it still says " + last + " remaining");
    }

    static JsonNode awaitUsage(LocalSystem.User user, long requests) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode usage = null;
        while (System.nanoTime() < deadline) {
            usage = system.json(system.call("GET", system.controlUrl() + "/me/usage", user.apiKey(), null, 200));
            if (usage.path("total_requests").asLong() >= requests) {
                assertEquals(requests, usage.path("total_requests").asLong(), "billed more than once: " + usage);
                return usage;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("usage never reached " + requests + " requests: " + usage);
    }

    static void assertAuditClean() throws Exception {
        JsonNode audit = system.json(system.admin("GET", "/audit", null));
        assertTrue(audit.path("ok").asBoolean(), audit.toString());
        assertFalse(audit.path("mismatches").elements().hasNext(), audit.toString());
    }
}
