package ai.dexto.gateway.controlplane.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A loop of rotations cannot grow the feed snapshot every gateway loads: revoked keys leave it after
 * the retention, and at most ten per user are in it meanwhile (the harness lifts the rotation rate
 * limit, so the loop runs at full speed). A key left out is still answered revoked to a lookup.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RevokedKeyRetentionTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness();
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;

    @AfterAll
    static void stopSim() {
        H.close();
    }

    private static JsonNode snapshot() {
        return H.internal().get("/internal/feed/snapshot?node=n", ControlPlaneHarness.INTERNAL_TOKEN).json();
    }

    private static int keysOf(JsonNode snapshot, String user) {
        int n = 0;
        for (JsonNode k : snapshot.path("keys")) {
            n += k.path("user_id").asText().equals(user) ? 1 : 0;
        }
        return n;
    }

    @Test
    void aRotationLoopLeavesTheActiveKeyAndTenRevokedOnesInTheSnapshot() {
        String user = ControlPlaneHarness.newUserId();
        String first = H.provision(user);
        int before = snapshot().path("keys").size();
        String key = first;
        for (int i = 0; i < 200; i++) {
            Http.Reply r = H.api().post("/keys/rotate", H.jwt(user), null);
            assertEquals(200, r.status(), r.toString());
            key = r.json().path("dextoApiKey").asText();
        }
        JsonNode snapshot = snapshot();
        assertEquals(11, keysOf(snapshot, user), "the active key and the ten most recently revoked");
        assertTrue(snapshot.path("keys").size() <= before + 10, "the snapshot grew by at most ten keys");
        boolean hasFirst = false;
        boolean hasLatest = false;
        for (JsonNode k : snapshot.path("keys")) {
            hasFirst |= k.path("key_hash").asText().equals(ApiKeys.hashHex(first));
            hasLatest |= k.path("key_hash").asText().equals(ApiKeys.hashHex(key));
        }
        assertFalse(hasFirst, "the first key, revoked 200 rotations ago, left the snapshot");
        assertTrue(hasLatest);
        JsonNode lookup = H.internal().get("/internal/keys/" + ApiKeys.hashHex(first) + "?node=n",
                ControlPlaneHarness.INTERNAL_TOKEN).json();
        assertEquals("revoked", lookup.path("key").path("status").asText(), lookup.toString());
        assertEquals(401, H.api().get("/keys", first).status());
    }

    @Test
    void revokedKeysPastTheRetentionLeaveTheSnapshot() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String key = H.api().post("/keys/rotate", H.jwt(user), null).json().path("dextoApiKey").asText();
        assertEquals(2, keysOf(snapshot(), user));
        try (Connection c = H.application().database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET revoked_at = now() - interval '8 days' "
                     + "WHERE user_id = ? AND status = 'revoked'")) {
            ps.setString(1, user);
            assertEquals(1, ps.executeUpdate());
        }
        JsonNode snapshot = snapshot();
        assertEquals(1, keysOf(snapshot, user));
        for (JsonNode k : snapshot.path("keys")) {
            if (k.path("user_id").asText().equals(user)) {
                assertEquals(ApiKeys.hashHex(key), k.path("key_hash").asText());
                assertEquals("active", k.path("status").asText());
            }
        }
    }
}
