package ai.dexto.gateway.controlplane.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import ai.dexto.gateway.sim.SimConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The control plane verifies the access tokens of the simulated Supabase Auth through its JWKS, as it
 * would Supabase's: signed in with a password there, a user provisions here; a rotated-in signing key
 * verifies at once (unknown {@code kid} → one re-fetch); a token of another issuer is refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SupabaseSessionsTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness(Map.of());
    @RegisterExtension
    static final io.dropwizard.testing.junit5.DropwizardAppExtension<?> APP = H.app;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterAll
    static void stopSim() {
        H.close();
    }

    private static JsonNode auth(String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(H.sim.authBaseUrl() + path))
                .timeout(Duration.ofSeconds(20)).header("apikey", SimConfig.DEFAULT_AUTH_ANON_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode signIn(String email, String password) throws Exception {
        return auth("/token?grant_type=password", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
    }

    @Test
    void aPasswordSessionOfTheSimulatedSupabaseProvisionsAndListsKeys() throws Exception {
        String email = "cp-" + UUID.randomUUID() + "@dexto.test";
        JsonNode session = auth("/signup", "{\"email\":\"" + email + "\",\"password\":\"provision-me\"}");
        String token = session.get("access_token").asText();
        Http.Reply provisioned = H.api().post("/api/provision", token, null);
        assertEquals(200, provisioned.status(), provisioned.toString());
        Http.Reply keys = H.api().get("/keys", token);
        assertEquals(200, keys.status(), keys.toString());
        assertEquals(provisioned.json().get("keyId").asLong(), keys.json().at("/keys/0/id").asLong(), keys.toString());
    }

    @Test
    void aRotatedInSigningKeyVerifiesAtOnce() throws Exception {
        String email = "rot-" + UUID.randomUUID() + "@dexto.test";
        H.sim.auth().signUp(email, "rotate-keys");
        String before = signIn(email, "rotate-keys").get("access_token").asText();
        assertEquals(200, H.api().get("/keys", before).status(), "the first key is fetched and cached");
        String oldKid = H.sim.auth().currentKid();
        String newKid = H.sim.auth().rotateSigningKey();
        try {
            String after = signIn(email, "rotate-keys").get("access_token").asText();
            assertNotEquals(oldKid, SignedJWT.parse(after).getHeader().getKeyID());
            assertEquals(newKid, SignedJWT.parse(after).getHeader().getKeyID());
            Http.Reply r = H.api().get("/keys", after);
            assertEquals(200, r.status(), "an unknown kid re-fetches the JWKS: " + r);
            assertEquals(200, H.api().get("/keys", before).status(), "the previous key is still published");
        } finally {
            H.sim.auth().revokeSigningKey(oldKid);
        }
    }

    @Test
    void aTokenOfTheRightKeyButAnotherIssuerIsRefusedWhenAnIssuerIsConfigured() throws Exception {
        String email = "iss-" + UUID.randomUUID() + "@dexto.test";
        H.sim.auth().signUp(email, "issuer-check");
        String token = signIn(email, "issuer-check").get("access_token").asText();
        String jwks = H.sim.authBaseUrl() + "/.well-known/jwks.json";
        SessionTokens right = new SessionTokens(ControlPlaneHarness.JWT_SECRET, "authenticated", jwks,
                H.sim.authBaseUrl());
        SessionTokens other = new SessionTokens(ControlPlaneHarness.JWT_SECRET, "authenticated", jwks,
                "https://someone-else.supabase.co/auth/v1");
        assertEquals(email, right.verify(token).email());
        assertEquals(401, org.junit.jupiter.api.Assertions.assertThrows(
                ai.dexto.gateway.controlplane.errors.ApiException.class, () -> other.verify(token)).status());
    }
}
