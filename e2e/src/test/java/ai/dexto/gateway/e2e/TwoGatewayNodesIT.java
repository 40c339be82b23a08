package ai.dexto.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two gateway nodes against one control plane, as two hosts would run them (own node ids, ports and
 * journal directories, both drained): one user's requests spread over both are each billed exactly
 * once, the ledger audits clean, and the feed counts both nodes (TEAM contract 10, active_nodes).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TwoGatewayNodesIT {
    static LocalSystem system;
    static LocalSystem.GatewayNode second;
    static String model;

    @BeforeAll
    static void start() throws Exception {
        system = LocalSystem.start();
        second = system.startGatewayNode("e2e-2");
        model = system.firstModel();
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aUsersRequestsOverBothNodesAreEachBilledOnceAndTheAuditIsClean() throws Exception {
        LocalSystem.User user = system.provisionUser();
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\""
                + LocalSystem.prompt("two nodes") + "\"}]}";
        int perNode = 5;
        long billed = 0;
        for (int i = 0; i < 2 * perNode; i++) {
            String url = (i % 2 == 0 ? system.gatewayUrl() : second.url()) + "/v1/chat/completions";
            HttpResponse<String> r = system.send("POST", url, user.apiKey(), body);
            assertEquals(200, r.statusCode(), r.body());
            billed += Money.parseUsd(r.headers().firstValue("X-Dexto-Cost-USD").orElseThrow());
        }
        assertTrue(billed > 0);
        assertEquals(perNode, journalWritten(system.gatewayOpsUrl(), perNode), "node e2e-1 journaled its share");
        assertEquals(perNode, journalWritten(second.opsUrl(), perNode), "node e2e-2 journaled its share");

        JsonNode usage = awaitRequests(user, 2 * perNode);
        assertEquals(billed, Money.parseUsd(usage.path("total_cost").asText()), usage.toString());
        assertEquals(Money.parseUsd("10.00") - billed, Money.parseUsd(usage.path("balance").asText()));
        JsonNode audit = system.json(system.admin("GET", "/audit", null));
        assertTrue(audit.path("ok").asBoolean(), audit.toString());
    }

    @Test
    void theControlPlaneCountsBothNodesOnItsFeed() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        double nodes = 0;
        while (System.nanoTime() < deadline && nodes != 2) {
            Matcher m = Pattern.compile("(?m)^dexto_control_feed_nodes (\\S+)$").matcher(
                    system.call("GET", system.controlAdminUrl() + "/metrics", null, null, 200));
            nodes = m.find() ? Double.parseDouble(m.group(1)) : -1;
            Thread.sleep(100);
        }
        assertEquals(2, nodes, "dexto_control_feed_nodes");
    }

    /** The node's dexto_gateway_journal_written_total, once it reached {@code expected} (or the deadline passed). */
    private static long journalWritten(String opsUrl, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long written = -1;
        while (System.nanoTime() < deadline) {
            Matcher m = Pattern.compile("(?m)^dexto_gateway_journal_written_total (\\S+)$")
                    .matcher(system.call("GET", opsUrl + "/metrics", null, null, 200));
            written = m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
            if (written >= expected) {
                return written;
            }
            Thread.sleep(50);
        }
        return written;
    }

    private static JsonNode awaitRequests(LocalSystem.User user, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode usage = null;
        while (System.nanoTime() < deadline) {
            usage = system.json(system.call("GET", system.controlUrl() + "/me/usage", user.apiKey(), null, 200));
            if (usage.path("total_requests").asLong() == n) {
                return usage;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("usage never reached " + n + " requests: " + usage);
    }
}
