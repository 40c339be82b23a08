package ai.dexto.gateway.controlplane.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Device login over HTTP on the real application and database: every outcome a poll can have (RFC
 * 8628 §3.5), the single delivery of the key, single-use user codes, and the limits.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeviceLoginTest {
    /** A 1 s interval keeps waits short; 5 s of life lets one test watch a code expire and the others finish first. */
    static final ControlPlaneHarness H = new ControlPlaneHarness(Map.of(
            "deviceLogin.intervalSeconds", "1",
            "deviceLogin.expiresSeconds", "5",
            "deviceLogin.verificationUrl", "http://127.0.0.1:1/device",
            "deviceLogin.decisionsPerMinute", "40"));
    @RegisterExtension
    static final io.dropwizard.testing.junit5.DropwizardAppExtension<?> APP = H.app;
    private static final Pattern USER_CODE = Pattern.compile("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}");

    @AfterAll
    static void stopSim() {
        H.close();
    }

    private static JsonNode start() {
        Http.Reply r = H.api().post("/api/auth/device/start", null, "{\"client\":\"dexto-cli\"}");
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    private static Http.Reply poll(String deviceCode) {
        return H.api().post("/api/auth/device/poll", null, "{\"deviceCode\":\"" + deviceCode + "\"}");
    }

    private static void assertPollError(Http.Reply r, String error) {
        assertEquals(400, r.status(), r.toString());
        assertEquals(error, r.json().path("error").asText(), r.toString());
        assertTrue(r.json().hasNonNull("error_description"), r.toString());
    }

    private static Http.Reply decide(String action, String userCode, String jwt) {
        return H.api().post("/api/auth/device/" + action, jwt, "{\"userCode\":\"" + userCode + "\"}");
    }

    /** Waits out the server's interval, so the next poll is on time (the clock, not a sleep, is the point). */
    private static void waitInterval(int seconds) throws InterruptedException {
        Thread.sleep(seconds * 1000L + 100);
    }

    @Test
    void startAnswersTheRfcFieldsWithAnUnambiguousUserCode() {
        JsonNode started = start();
        assertTrue(USER_CODE.matcher(started.get("userCode").asText()).matches(), started.toString());
        assertEquals("http://127.0.0.1:1/device", started.get("verificationUri").asText());
        assertEquals("http://127.0.0.1:1/device?code=" + started.get("userCode").asText(),
                started.get("verificationUriComplete").asText());
        assertEquals(5, started.get("expiresIn").asInt());
        assertEquals(1, started.get("interval").asInt());
        assertTrue(started.get("deviceCode").asText().length() >= 40);
        Http.Reply unknown = H.api().post("/api/auth/device/start", null, "{\"client\":\"evil-phisher\"}");
        assertEquals(400, unknown.status());
        assertEquals("invalid_client", unknown.json().at("/error/code").asText());
    }

    @Test
    void approvedThroughTheApiThePollDeliversOneNewUsersKeyExactlyOnce() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        String jwt = H.jwt(user);
        JsonNode started = start();
        String device = started.get("deviceCode").asText();
        assertPollError(poll(device), "authorization_pending");

        Http.Reply info = H.api().get("/api/auth/device/info?code=" + started.get("userCode").asText().toLowerCase(), jwt);
        assertEquals(200, info.status(), info.toString());
        assertEquals("dexto-cli", info.json().get("client").asText());
        assertEquals("Dexto CLI", info.json().get("clientName").asText());

        Http.Reply approved = decide("approve", started.get("userCode").asText(), jwt);
        assertEquals(200, approved.status(), approved.toString());
        assertEquals("approved", approved.json().get("status").asText());
        assertEquals(404, decide("approve", started.get("userCode").asText(), jwt).status(), "a code is single-use");

        // ten parallel polls: exactly one gets the key
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Http.Reply>> polls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                polls.add(pool.submit((Callable<Http.Reply>) () -> poll(device)));
            }
            List<Http.Reply> granted = new ArrayList<>();
            for (Future<Http.Reply> f : polls) {
                Http.Reply r = f.get();
                if (r.status() == 200) {
                    granted.add(r);
                } else {
                    assertPollError(r, "invalid_grant");
                }
            }
            assertEquals(1, granted.size(), "the key is delivered exactly once");
            JsonNode grant = granted.get(0).json();
            String key = grant.get("dextoApiKey").asText();
            assertTrue(ApiKeys.isWellFormed(key));
            assertEquals(ApiKeys.display(key), grant.get("keyDisplay").asText());
            assertEquals(user, grant.get("userId").asText());
            assertEquals(jwt, grant.get("accessToken").asText(), "the approving session, for key management");
            Http.Reply usage = H.api().get("/me/usage", key);
            assertEquals(200, usage.status(), usage.toString());
            assertEquals("10.00", usage.json().get("balance").asText(), "a first-time user gets the intro credit");
            assertEquals(grant.get("keyId").asLong(), H.api().get("/keys", key).json().at("/keys/0/id").asLong());
        } finally {
            pool.shutdownNow();
        }
        assertPollError(poll(device), "invalid_grant");
        try (Connection c = H.application().database().dataSource().getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM device_authorizations WHERE sealed_session IS NOT NULL "
                     + "AND status = 'delivered'")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "a delivered session is erased");
        }
    }

    @Test
    void pollingFasterThanTheIntervalIsToldToSlowDownAndTheIntervalGrows() throws Exception {
        String device = start().get("deviceCode").asText();
        assertPollError(poll(device), "authorization_pending");
        assertPollError(poll(device), "slow_down");
        // the interval is now 1 + 5 s: a poll 1.1 s later is still too early
        waitInterval(1);
        assertPollError(poll(device), "slow_down");
    }

    @Test
    void aDeniedLoginAnswersAccessDeniedAndCannotBeApprovedAfterwards() throws Exception {
        String jwt = H.jwt(ControlPlaneHarness.newUserId());
        JsonNode started = start();
        Http.Reply denied = decide("deny", started.get("userCode").asText(), jwt);
        assertEquals(200, denied.status(), denied.toString());
        assertEquals("denied", denied.json().get("status").asText());
        assertEquals(404, decide("approve", started.get("userCode").asText(), jwt).status());
        assertPollError(poll(started.get("deviceCode").asText()), "access_denied");
    }

    @Test
    void anExpiredCodeAnswersExpiredTokenAndCannotBeApproved() throws Exception {
        String jwt = H.jwt(ControlPlaneHarness.newUserId());
        JsonNode started = start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Http.Reply r = poll(started.get("deviceCode").asText());
        while (r.json().path("error").asText().matches("authorization_pending|slow_down") && System.nanoTime() < deadline) {
            waitInterval(1);
            r = poll(started.get("deviceCode").asText());
        }
        assertPollError(r, "expired_token");
        assertEquals(404, decide("approve", started.get("userCode").asText(), jwt).status());
    }

    @Test
    void unknownCodesAndApiKeysAreRefused() {
        assertPollError(poll("not-a-device-code"), "invalid_grant");
        String key = H.provision(ControlPlaneHarness.newUserId());
        String userCode = start().get("userCode").asText();
        assertEquals(401, decide("approve", userCode, key).status(), "an API key cannot approve a login");
        assertEquals(401, decide("approve", userCode, null).status());
        Http.Reply malformed = decide("approve", "AEIO-0000", H.jwt(ControlPlaneHarness.newUserId()));
        assertEquals(400, malformed.status());
        assertEquals("invalid_user_code", malformed.json().at("/error/code").asText());
    }

    @Test
    void guessingUserCodesIsLimitedPerUser() {
        String jwt = H.jwt(ControlPlaneHarness.newUserId());
        Set<Integer> statuses = new HashSet<>();
        for (int i = 0; i < 45; i++) {
            statuses.add(decide("approve", "BCDF-GHJK", jwt).status());
        }
        assertTrue(statuses.contains(429), "guesses past the limit are refused: " + statuses);
        assertNotEquals(Set.of(429), statuses);
    }

    @Test
    void startsAreLimitedPerClientTheGatewayForwardedNotPerGateway() {
        Map<Integer, Integer> first = new java.util.TreeMap<>();
        for (int i = 0; i < 25; i++) {
            // what a client behind the gateway sends: its own claim, then the gateway's observation
            first.merge(H.api().send("POST", "/api/auth/device/start", null, "{\"client\":\"dexto-cli\"}",
                    Map.of("X-Forwarded-For", "198.51.100.7, 203.0.113.9")).status(), 1, Integer::sum);
        }
        assertEquals(Map.of(200, 20, 429, 5), first, "20 a minute for the address the gateway saw");
        assertEquals(200, H.api().send("POST", "/api/auth/device/start", null, "{\"client\":\"dexto-cli\"}",
                Map.of("X-Forwarded-For", "203.0.113.10")).status(), "another client behind the same gateway");
        assertEquals(429, H.api().send("POST", "/api/auth/device/start", null, "{\"client\":\"dexto-cli\"}",
                Map.of("X-Forwarded-For", "203.0.113.10, 203.0.113.9")).status(),
                "only the entry the gateway wrote counts, not what the client put before it");
    }
}
