package ai.dexto.gateway.controlplane.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import ai.dexto.gateway.sim.SimConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProvisioningTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness();
    @RegisterExtension
    static final io.dropwizard.testing.junit5.DropwizardAppExtension<?> APP = H.app;

    @AfterAll
    static void stopSim() {
        H.close();
    }

    @Test
    void firstProvisionCreatesUserBalanceIntroCreditUpstreamKeyAndReturnsAKeyOnce() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        Http.Reply r = H.api().post("/api/provision", H.jwt(user), null);
        assertEquals(200, r.status(), r.toString());
        JsonNode body = r.json();
        assertTrue(body.path("success").asBoolean());
        assertTrue(body.path("isNewKey").asBoolean());
        String key = body.path("dextoApiKey").asText();
        assertTrue(ApiKeys.isWellFormed(key));
        assertTrue(body.path("keyId").asLong() > 0);

        Http.Reply usage = H.api().get("/me/usage", key);
        assertEquals(200, usage.status(), usage.toString());
        assertEquals("10.00", usage.json().path("balance").asText());

        try (Connection c = H.application().database().dataSource().getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT count(*), sum(amount_nanos) FROM credit_ledger WHERE user_id = '"
                    + user + "' AND kind = 'intro'");
            rs.next();
            assertEquals(1, rs.getInt(1));
            assertEquals(10_000_000_000L, rs.getLong(2));
            rs = s.executeQuery("SELECT upstream_hash, ciphertext, limit_nanos FROM upstream_keys WHERE user_id = '" + user + "'");
            assertTrue(rs.next());
            String upstreamHash = rs.getString(1);
            String plaintext = UpstreamKeyCipher.fromBase64("ZGV2LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGVzLWxvbmc=")
                    .open(user, rs.getString(2));
            assertTrue(plaintext.startsWith("sk-or-"), "the sealed key opens to the upstream key");
            assertEquals(10_000_000_000L, rs.getLong(3));
            JsonNode upstream = upstreamKey(upstreamHash);
            assertEquals(10, upstream.path("data").path("limit").asInt());
            assertTrue(upstream.path("data").path("include_byok_in_limit").asBoolean());
            // the API never stores the plaintext key
            rs = s.executeQuery("SELECT count(*) FROM api_keys WHERE key_hash = '" + ApiKeys.hashHex(key) + "'");
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
        assertFalse(r.body().contains("sk-or-"), "no upstream key in the answer");
    }

    @Test
    void returningUserGetsAReplacementKeyAndTheOldOneStopsWorking() {
        String user = ControlPlaneHarness.newUserId();
        String first = H.provision(user);
        Http.Reply again = H.api().post("/api/provision", H.jwt(user), null);
        assertEquals(200, again.status());
        assertFalse(again.json().path("isNewKey").asBoolean(), "replaced the active key");
        String second = again.json().path("dextoApiKey").asText();
        assertNotEquals(first, second);
        assertEquals(401, H.api().get("/keys", first).status());
        Http.Reply keys = H.api().get("/keys", second);
        assertEquals(200, keys.status());
        assertEquals(2, keys.json().path("keys").size());
        assertEquals("10.00", H.api().get("/me/usage", second).json().path("balance").asText(), "intro credit once");
    }

    @Test
    void concurrentProvisionCallsMintOneUpstreamKeyOneBalanceAndLeaveOneActiveKey() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        int before = upstreamKeysNamed("dexto-" + user);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Http.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<Http.Reply> call = () -> H.api().post("/api/provision", H.jwt(user), null);
                replies.add(pool.submit(call));
            }
            for (Future<Http.Reply> f : replies) {
                assertEquals(200, f.get().status(), f.get().toString());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(before + 1, upstreamKeysNamed("dexto-" + user));
        try (Connection c = H.application().database().dataSource().getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM balances WHERE user_id = '" + user + "'), "
                    + "(SELECT count(*) FROM credit_ledger WHERE user_id = '" + user + "'), "
                    + "(SELECT count(*) FROM api_keys WHERE user_id = '" + user + "' AND status = 'active'), "
                    + "(SELECT count(*) FROM api_keys WHERE user_id = '" + user + "')");
            rs.next();
            assertEquals(1, rs.getInt(1));
            assertEquals(1, rs.getInt(2));
            assertEquals(1, rs.getInt(3));
            assertEquals(8, rs.getInt(4));
        }
    }

    @Test
    void provisionRefusesMissingMalformedExpiredWrongAudienceAndWronglySignedTokens() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        assertUnauthorized(H.api().post("/api/provision", null, null));
        assertUnauthorized(H.api().post("/api/provision", "not-a-jwt", null));
        assertUnauthorized(H.api().post("/api/provision", token(user, "authenticated",
                Instant.now().minusSeconds(120), ControlPlaneHarness.JWT_SECRET), null));
        assertUnauthorized(H.api().post("/api/provision", token(user, "anon",
                Instant.now().plusSeconds(600), ControlPlaneHarness.JWT_SECRET), null));
        assertUnauthorized(H.api().post("/api/provision", token(user, "authenticated",
                Instant.now().plusSeconds(600), "another-secret-0123456789-0123456789-0123456789"), null));
        // an API key is not a session: provisioning needs the login token
        String key = H.provision(ControlPlaneHarness.newUserId());
        assertUnauthorized(H.api().post("/api/provision", key, null));
        assertEquals(0, upstreamKeysNamed("dexto-" + user), "nothing minted for refused calls");
    }

    static void assertUnauthorized(Http.Reply r) {
        assertEquals(401, r.status(), r.toString());
        JsonNode error = r.json().path("error");
        assertEquals("authentication_error", error.path("type").asText(), r.toString());
        assertFalse(error.path("message").asText().isEmpty());
    }

    static String token(String sub, String audience, Instant exp, String secret) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .subject(sub).audience(audience).expirationTime(Date.from(exp)).build());
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    static JsonNode upstreamKey(String hash) {
        Http sim = new Http(H.sim.openRouterBaseUrl());
        Http.Reply r = sim.get("/keys/" + hash, SimConfig.DEFAULT_PROVISIONING_KEY);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    static int upstreamKeysNamed(String name) {
        Http sim = new Http(H.sim.openRouterBaseUrl());
        int n = 0;
        for (JsonNode k : sim.get("/keys", SimConfig.DEFAULT_PROVISIONING_KEY).json().path("data")) {
            if (name.equals(k.path("name").asText())) {
                n++;
            }
        }
        return n;
    }
}
