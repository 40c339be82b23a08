package ai.dexto.gateway.controlplane.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import ai.dexto.gateway.sim.SimConfig;
import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminApiTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness();
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;
    static final String ADMIN = ControlPlaneHarness.ADMIN_TOKEN;

    @AfterAll
    static void stopSim() {
        H.close();
    }

    private static String balance(String key) {
        return H.api().get("/me/usage", key).json().path("balance").asText();
    }

    @Test
    void creditsAndDebitsChangeTheBalanceExactlyWithALedgerEntry() {
        String user = ControlPlaneHarness.newUserId();
        String key = H.provision(user);
        Http.Reply r = H.internal().post("/admin/users/" + user + "/credits", ADMIN,
                "{\"amount_usd\":\"25.000000001\",\"reason\":\"support ticket 42\"}");
        assertEquals(200, r.status(), r.toString());
        assertEquals("35.000000001", r.json().path("balance").asText());
        r = H.internal().post("/admin/users/" + user + "/credits", ADMIN, "{\"amount_usd\":\"-0.5\",\"reason\":\"correction\"}");
        assertEquals(200, r.status(), r.toString());
        assertEquals("34.500000001", balance(key));
        JsonNode detail = H.internal().get("/admin/users/" + user, ADMIN).json();
        assertEquals(3, detail.path("credits").size());
        assertEquals("admin", detail.path("credits").get(0).path("kind").asText());
        assertTrue(H.internal().get("/admin/audit", ADMIN).json().path("ok").asBoolean());
    }

    @Test
    void aPositiveCreditRaisesTheUpstreamKeyLimitToLifetimeCredits() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        assertEquals(200, H.internal().post("/admin/users/" + user + "/credits", ADMIN,
                "{\"amount_usd\":\"15\",\"reason\":\"top-up by hand\"}").status());
        String hash;
        try (Connection c = H.application().database().dataSource().getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT upstream_hash, limit_nanos FROM upstream_keys WHERE user_id = '" + user + "'");
            rs.next();
            hash = rs.getString(1);
            assertEquals(25_000_000_000L, rs.getLong(2));
        }
        JsonNode upstream = new Http(H.sim.openRouterBaseUrl()).get("/keys/" + hash, SimConfig.DEFAULT_PROVISIONING_KEY).json();
        assertEquals(25, upstream.path("data").path("limit").asInt());
    }

    @Test
    void badAmountsMissingReasonsUnknownUsersAndBadTokensAreRefusedWithNothingWritten() {
        String user = ControlPlaneHarness.newUserId();
        String key = H.provision(user);
        String path = "/admin/users/" + user + "/credits";
        for (String body : new String[] {
                "{\"amount_usd\":\"abc\",\"reason\":\"x\"}",
                "{\"amount_usd\":\"1.0000000001\",\"reason\":\"x\"}",
                "{\"amount_usd\":\"1e3\",\"reason\":\"x\"}",
                "{\"amount_usd\":\"\",\"reason\":\"x\"}",
                "{\"amount_usd\":\"0\",\"reason\":\"x\"}",
                "{\"amount_usd\":true,\"reason\":\"x\"}",
                "{\"reason\":\"x\"}",
                "{\"amount_usd\":\"5\"}",
                "{\"amount_usd\":\"5\",\"reason\":\"   \"}",
                "[]"}) {
            Http.Reply r = H.internal().post(path, ADMIN, body);
            assertEquals(400, r.status(), body + " → " + r);
            assertEquals("invalid_request_error", r.json().path("error").path("type").asText());
        }
        assertEquals(404, H.internal().post("/admin/users/nobody-" + user + "/credits", ADMIN,
                "{\"amount_usd\":\"5\",\"reason\":\"x\"}").status());
        assertEquals(401, H.internal().post(path, "wrong-token", "{\"amount_usd\":\"5\",\"reason\":\"x\"}").status());
        assertEquals(401, H.internal().post(path, null, "{\"amount_usd\":\"5\",\"reason\":\"x\"}").status());
        assertEquals(401, H.internal().post(path, key, "{\"amount_usd\":\"5\",\"reason\":\"x\"}").status(),
                "a user's API key is not an admin token");
        assertEquals(401, H.internal().post(path, ControlPlaneHarness.INTERNAL_TOKEN, "{\"amount_usd\":\"5\",\"reason\":\"x\"}").status());
        assertEquals("10.00", balance(key));
    }

    @Test
    void tiersComeFromConfiguration() {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        Http.Reply r = H.internal().put("/admin/users/" + user + "/tier", ADMIN, "{\"tier\":\"unlimited\"}");
        assertEquals(200, r.status(), r.toString());
        assertEquals("unlimited", H.internal().get("/admin/users/" + user, ADMIN).json().path("tier").asText());
        assertEquals(400, H.internal().put("/admin/users/" + user + "/tier", ADMIN, "{\"tier\":\"gold\"}").status());
        assertEquals(400, H.internal().put("/admin/users/" + user + "/tier", ADMIN, "{}").status());
        assertEquals(404, H.internal().put("/admin/users/nobody/tier", ADMIN, "{\"tier\":\"paid\"}").status());
    }

    @Test
    void adminRevokesAnyKeyAnd404sUnknownOnes() {
        String user = ControlPlaneHarness.newUserId();
        String key = H.provision(user);
        long id = H.api().get("/keys", key).json().path("keys").get(0).path("id").asLong();
        assertEquals(200, H.internal().post("/admin/keys/" + id + "/revoke", ADMIN, null).status());
        assertEquals(401, H.api().get("/keys", key).status());
        assertEquals(404, H.internal().post("/admin/keys/999999999/revoke", ADMIN, null).status());
        assertEquals(404, H.internal().post("/admin/keys/abc/revoke", ADMIN, null).status());
    }

    @Test
    void userSearchAndDetailNeverShowHashesOrUpstreamKeys() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        String key = H.provision(user);
        Http.Reply list = H.internal().get("/admin/users?query=" + user.substring(5, 20), ADMIN);
        assertEquals(200, list.status());
        assertEquals(user, list.json().path("users").get(0).path("id").asText());
        Http.Reply detail = H.internal().get("/admin/users/" + user, ADMIN);
        assertEquals(200, detail.status());
        assertEquals("10.00", detail.json().path("balance").asText());
        assertEquals(1, detail.json().path("keys").size());
        assertTrue(detail.json().path("has_upstream_key").asBoolean());
        assertFalse(detail.body().contains(ApiKeys.hashHex(key)));
        String cipher;
        try (Connection c = H.application().database().dataSource().getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT ciphertext, upstream_hash FROM upstream_keys WHERE user_id = '" + user + "'");
            rs.next();
            cipher = rs.getString(1);
            assertFalse(detail.body().contains(rs.getString(2)));
        }
        assertFalse(detail.body().contains(cipher));
        assertFalse(detail.body().contains("sk-or-"));
        assertEquals(404, H.internal().get("/admin/users/nobody-" + user, ADMIN).status());
    }

    @Test
    void upstreamKeyRotationReplacesTheKeyAndDeletesTheOldOneUpstream() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String oldHash = upstreamHash(user);
        Http.Reply r = H.internal().post("/admin/users/" + user + "/upstream-key/rotate", ADMIN, null);
        assertEquals(200, r.status(), r.toString());
        String newHash = upstreamHash(user);
        assertNotEquals(oldHash, newHash);
        Http sim = new Http(H.sim.openRouterBaseUrl());
        assertEquals(404, sim.get("/keys/" + oldHash, SimConfig.DEFAULT_PROVISIONING_KEY).status());
        assertEquals(200, sim.get("/keys/" + newHash, SimConfig.DEFAULT_PROVISIONING_KEY).status());
        assertEquals(404, H.internal().post("/admin/users/nobody/upstream-key/rotate", ADMIN, null).status());
    }

    @Test
    void auditReportsAMismatchWhenABalanceIsTamperedWith() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        assertTrue(H.internal().get("/admin/audit", ADMIN).json().path("ok").asBoolean());
        try (Connection c = H.application().database().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE balances SET balance_nanos = balance_nanos + 1 WHERE user_id = '" + user + "'");
            JsonNode audit = H.internal().get("/admin/audit", ADMIN).json();
            assertFalse(audit.path("ok").asBoolean());
            assertEquals(user, audit.path("mismatches").get(0).path("user_id").asText());
            assertTrue(audit.path("users_checked").asLong() >= 1);
            s.executeUpdate("UPDATE balances SET balance_nanos = balance_nanos - 1 WHERE user_id = '" + user + "'");
        }
        assertTrue(H.internal().get("/admin/audit", ADMIN).json().path("ok").asBoolean());
    }

    static String upstreamHash(String user) throws Exception {
        try (Connection c = H.application().database().dataSource().getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT upstream_hash FROM upstream_keys WHERE user_id = '" + user + "'");
            rs.next();
            return rs.getString(1);
        }
    }
}
