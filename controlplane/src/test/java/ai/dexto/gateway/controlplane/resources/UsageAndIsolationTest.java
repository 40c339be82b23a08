package ai.dexto.gateway.controlplane.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import ai.dexto.gateway.controlplane.support.JournalWriter;
import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 300, unit = TimeUnit.SECONDS)
class UsageAndIsolationTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness();
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;

    static String alice;
    static String aliceKey;
    static long aliceKeyId;
    static String bob;
    static String bobKey;
    static long bobKeyId;

    @AfterAll
    static void stopSim() {
        H.close();
    }

    @BeforeAll
    static void usersWithUsage() throws Exception {
        alice = ControlPlaneHarness.newUserId();
        bob = ControlPlaneHarness.newUserId();
        aliceKey = H.provision(alice);
        bobKey = H.provision(bob);
        aliceKeyId = H.api().get("/keys", aliceKey).json().path("keys").get(0).path("id").asLong();
        bobKeyId = H.api().get("/keys", bobKey).json().path("keys").get(0).path("id").asLong();
        try (JournalWriter w = new JournalWriter(H.dataDir.resolve("journal").resolve("usage-node"), "usage-node")) {
            for (int i = 0; i < 25; i++) {
                w.write(alice, aliceKeyId, 1_000_000, i % 5 == 0 ? "anthropic/claude" : "openai/gpt-4o-mini");
            }
            w.write(bob, bobKeyId, 7_000_000, "openai/gpt-4o-mini");
        }
        long deadline = System.currentTimeMillis() + 20_000;
        while (H.api().get("/me/usage", aliceKey).json().path("total_requests").asLong() < 25
                || H.api().get("/me/usage", bobKey).json().path("total_requests").asLong() < 1) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("usage was not drained");
            }
            Thread.sleep(50);
        }
    }

    @Test
    void usageSummarisesBalanceTotalsAndModelsInDecimalStrings() {
        JsonNode u = H.api().get("/me/usage", aliceKey).json();
        assertEquals("9.975", u.path("balance").asText());
        assertEquals("0.025", u.path("total_cost").asText());
        assertEquals(25, u.path("total_requests").asLong());
        assertEquals(25 * 30, u.path("total_tokens").asLong());
        assertEquals(2, u.path("by_model").size());
        JsonNode top = u.path("by_model").get(0);
        assertEquals("openai/gpt-4o-mini", top.path("model").asText());
        assertEquals(20, top.path("requests").asLong());
        assertEquals("0.02", top.path("cost").asText());
        assertTrue(u.path("by_model").get(0).path("cost").isTextual());
        assertEquals(20, u.path("recent").size());
        assertFalse(u.path("next_cursor").isNull());
        // the same with the session JWT
        assertEquals(25, H.api().get("/me/usage", H.jwt(alice)).json().path("total_requests").asLong());
        // last_used_at is set by the drain
        assertFalse(H.api().get("/keys", aliceKey).json().path("keys").get(0).path("last_used_at").isNull());
    }

    @Test
    void recentPagesWithACursorWithoutRepeatsOrGaps() {
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            String q = "/me/usage?recent_limit=7" + (cursor == null ? "" : "&cursor=" + cursor);
            JsonNode page = H.api().get(q, aliceKey).json();
            for (JsonNode row : page.path("recent")) {
                assertTrue(seen.add(row.path("request_id").asText()), "repeated row");
                assertEquals("0.001", row.path("cost").asText());
            }
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
            pages++;
        } while (cursor != null);
        assertEquals(25, seen.size());
        assertEquals(4, pages);
    }

    @Test
    void rangesAndLimitsAreValidated() {
        assertEquals(400, H.api().get("/me/usage?recent_limit=101", aliceKey).status());
        assertEquals(400, H.api().get("/me/usage?recent_limit=-1", aliceKey).status());
        assertEquals(400, H.api().get("/me/usage?recent_limit=ten", aliceKey).status());
        assertEquals(200, H.api().get("/me/usage?recent_limit=100", aliceKey).status());
        JsonNode totalsOnly = H.api().get("/me/usage?recent_limit=0", aliceKey).json();
        assertEquals(25, totalsOnly.path("total_requests").asLong(), totalsOnly.toString());
        assertEquals(0, totalsOnly.path("recent").size());
        assertTrue(totalsOnly.path("next_cursor").isNull());
        assertEquals(400, H.api().get("/me/usage?start=yesterday", aliceKey).status());
        assertEquals(400, H.api().get("/me/usage?cursor=!!!", aliceKey).status());
        assertEquals(400, H.api().get("/me/usage?start=2026-02-01&end=2026-01-01", aliceKey).status());
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        JsonNode day = H.api().get("/me/usage?start=" + today + "&end=" + today, aliceKey).json();
        assertEquals(25, day.path("total_requests").asLong(), "a date end covers that whole day");
        String past = URLEncoder.encode("2020-01-01T00:00:00Z", StandardCharsets.UTF_8);
        JsonNode old = H.api().get("/me/usage?start=" + past + "&end=2020-02-01", aliceKey).json();
        assertEquals(0, old.path("total_requests").asLong());
        assertEquals("0.00", old.path("total_cost").asText());
    }

    @Test
    void csvStreamsEveryRowOfTheRange() {
        Http.Reply r = H.api().get("/me/usage.csv", aliceKey);
        assertEquals(200, r.status());
        assertTrue(r.header("Content-Type").startsWith("text/csv"));
        String[] lines = r.body().split("\n");
        assertEquals(26, lines.length);
        assertTrue(lines[0].startsWith("request_id,completed_at,model"));
        assertTrue(lines[1].contains(",0.001,completed,true,200,"));
    }

    @Test
    void oneUserCanNeitherReadNorChangeAnothersKeysUsageOrMoney() {
        // keys: B's key id is invisible and cannot be revoked by A
        JsonNode aliceKeys = H.api().get("/keys", aliceKey).json().path("keys");
        for (JsonNode k : aliceKeys) {
            assertTrue(k.path("id").asLong() != bobKeyId);
        }
        Http.Reply r = H.api().delete("/keys/" + bobKeyId, aliceKey);
        assertEquals(403, r.status(), "an API key revokes nothing, not even with another user's key id");
        assertEquals(404, H.api().delete("/keys/" + bobKeyId, H.jwt(alice)).status());
        assertEquals(200, H.api().get("/keys", bobKey).status(), "B's key still works");
        // usage and money: each sees only their own
        JsonNode bobUsage = H.api().get("/me/usage", bobKey).json();
        assertEquals(1, bobUsage.path("total_requests").asLong());
        assertEquals("9.993", bobUsage.path("balance").asText());
        for (JsonNode row : H.api().get("/me/usage?recent_limit=100", aliceKey).json().path("recent")) {
            assertEquals(aliceKeyId, row.path("key_id").asLong());
        }
        assertFalse(H.api().get("/me/usage.csv", aliceKey).body().contains(",7000000"));
        assertFalse(H.api().get("/me/usage.csv", aliceKey).body().contains("0.007"));
        // rotating A's key leaves B's alone
        Http.Reply rotated = H.api().post("/keys/rotate", H.jwt(alice), null);
        assertEquals(200, rotated.status());
        aliceKey = rotated.json().path("dextoApiKey").asText();
        assertEquals(200, H.api().get("/keys", bobKey).status());
        // a user endpoint ignores any attempt to name another user
        assertEquals(25, H.api().get("/me/usage?user_id=" + bob, H.jwt(alice)).json().path("total_requests").asLong());
    }

    @Test
    void parallelRotationsAllSucceedAndLeaveExactlyOneActiveKey() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            java.util.List<java.util.concurrent.Future<Http.Reply>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                replies.add(pool.submit(() -> H.api().post("/keys/rotate", H.jwt(user), null)));
            }
            for (java.util.concurrent.Future<Http.Reply> f : replies) {
                assertEquals(200, f.get().status(), f.get().toString());
            }
        } finally {
            pool.shutdown();
        }
        JsonNode keys = H.api().get("/keys", H.jwt(user)).json().path("keys");
        assertEquals(7, keys.size());
        int active = 0;
        for (JsonNode k : keys) {
            active += "active".equals(k.path("status").asText()) ? 1 : 0;
        }
        assertEquals(1, active);
    }

    @Test
    void keysListRotateAndRevokeNeverReturnHashes() {
        String user = ControlPlaneHarness.newUserId();
        String key = H.provision(user);
        Http.Reply rotated = H.api().post("/keys/rotate", H.jwt(user), null);
        assertEquals(200, rotated.status());
        String newKey = rotated.json().path("dextoApiKey").asText();
        assertEquals(401, H.api().get("/keys", key).status(), "the old key is revoked");
        Http.Reply list = H.api().get("/keys", newKey);
        assertEquals(2, list.json().path("keys").size());
        JsonNode newest = list.json().path("keys").get(0);
        assertEquals("active", newest.path("status").asText());
        assertEquals(newKey.substring(newKey.length() - 4), newest.path("key_display").asText());
        assertFalse(list.body().contains("hash"));
        assertEquals("revoked", list.json().path("keys").get(1).path("status").asText());
        long id = newest.path("id").asLong();
        assertEquals(200, H.api().delete("/keys/" + id, H.jwt(user)).status());
        assertEquals(401, H.api().get("/keys", newKey).status());
        assertEquals(404, H.api().delete("/keys/abc", H.jwt(user)).status());
        // a made-up but well-formed-looking key and a malformed one are both 401
        assertEquals(401, H.api().get("/keys", "dxt_" + "A".repeat(49)).status());
        assertEquals(401, H.api().get("/keys", "dxt_short").status());
    }

    @Test
    void anApiKeyCanNeitherRotateNorRevokeKeysOnlyASessionCan() {
        String user = ControlPlaneHarness.newUserId();
        String key = H.provision(user);
        long id = H.api().get("/keys", key).json().path("keys").get(0).path("id").asLong();
        Http.Reply rotate = H.api().post("/keys/rotate", key, null);
        assertEquals(403, rotate.status(), rotate.toString());
        assertEquals("session_required", rotate.json().path("error").path("code").asText());
        Http.Reply revoke = H.api().delete("/keys/" + id, key);
        assertEquals(403, revoke.status(), revoke.toString());
        assertEquals("session_required", revoke.json().path("error").path("code").asText());
        // nothing changed: the key still works and is the only one
        Http.Reply list = H.api().get("/keys", key);
        assertEquals(200, list.status());
        assertEquals(1, list.json().path("keys").size());
        assertEquals("active", list.json().path("keys").get(0).path("status").asText());
    }
}
