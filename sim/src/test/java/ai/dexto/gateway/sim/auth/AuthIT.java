package ai.dexto.gateway.sim.auth;

import static ai.dexto.gateway.sim.TestHttp.json;
import static ai.dexto.gateway.sim.TestHttp.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.sim.Sim;
import ai.dexto.gateway.sim.SimConfig;
import ai.dexto.gateway.sim.TestHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The simulated Supabase Auth, over HTTP, against the shapes GoTrue documents. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthIT {
    private static final String ANON = SimConfig.DEFAULT_AUTH_ANON_KEY;
    private static Sim sim;

    @BeforeAll
    static void start() {
        sim = Sim.start(SimConfig.builder().openRouterPort(0).stripePort(0).ioThreads(1).build());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static String url(String path) {
        return sim.authBaseUrl() + path;
    }

    private static HttpResponse<String> post(String path, String bearer, String body, String... headers) {
        HttpRequest.Builder b = TestHttp.request(url(path), bearer).header("apikey", ANON)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    private static HttpResponse<String> getUser(String bearer) {
        return send(TestHttp.request(url("/user"), bearer).header("apikey", ANON).GET().build());
    }

    private static String email() {
        return "u-" + UUID.randomUUID() + "@dexto.test";
    }

    private static JsonNode signup(String email, String password) {
        HttpResponse<String> r = post("/signup", null, "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        return json(r);
    }

    private static void assertGoTrueError(HttpResponse<String> r, int status, String errorCode, String msg) {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertEquals(status, body.get("code").asInt(), r.body());
        assertEquals(errorCode, body.get("error_code").asText(), r.body());
        assertEquals(msg, body.get("msg").asText(), r.body());
    }

    @Test
    void signupAnswersASessionWithAnEs256TokenTheJwksVerifies() throws Exception {
        String email = email();
        JsonNode session = signup(email, "correct horse");
        assertEquals("bearer", session.get("token_type").asText());
        assertEquals(3600, session.get("expires_in").asInt());
        assertTrue(session.get("expires_at").asLong() > System.currentTimeMillis() / 1000);
        assertFalse(session.get("refresh_token").asText().isEmpty());
        JsonNode user = session.get("user");
        assertEquals(email, user.get("email").asText());
        assertEquals("authenticated", user.get("aud").asText());
        assertEquals("authenticated", user.get("role").asText());
        assertEquals("email", user.at("/app_metadata/provider").asText());
        assertEquals("email", user.at("/identities/0/provider").asText());
        assertTrue(user.hasNonNull("email_confirmed_at"), "auto-confirmed, as a local Supabase project");

        SignedJWT jwt = SignedJWT.parse(session.get("access_token").asText());
        assertEquals("ES256", jwt.getHeader().getAlgorithm().getName());
        HttpResponse<String> jwks = send(TestHttp.request(url("/.well-known/jwks.json"), null).GET().build());
        assertEquals(200, jwks.statusCode(), "the JWKS needs no apikey");
        JWKSet set = JWKSet.parse(jwks.body());
        ECKey key = (ECKey) set.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertFalse(key.isPrivate(), "only public halves are published");
        assertTrue(jwt.verify(new ECDSAVerifier(key)));
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertEquals(user.get("id").asText(), claims.getSubject());
        assertEquals(java.util.List.of("authenticated"), claims.getAudience());
        assertEquals("authenticated", claims.getStringClaim("role"));
        assertEquals(email, claims.getStringClaim("email"));
        assertEquals(sim.authBaseUrl(), claims.getIssuer());
        assertTrue(claims.getExpirationTime().toInstant().isAfter(java.time.Instant.now()));
    }

    @Test
    void signupRefusalsHaveGoTruesShapes() {
        String email = email();
        signup(email, "secret-1");
        assertGoTrueError(post("/signup", null, "{\"email\":\"" + email.toUpperCase() + "\",\"password\":\"secret-2\"}"),
                422, "user_already_exists", "User already registered");
        HttpResponse<String> weak = post("/signup", null, "{\"email\":\"" + email() + "\",\"password\":\"12345\"}");
        assertGoTrueError(weak, 422, "weak_password", "Password should be at least 6 characters.");
        assertEquals("length", json(weak).at("/weak_password/reasons/0").asText());
        assertGoTrueError(post("/signup", null, "{\"email\":\"not-an-email\",\"password\":\"secret-1\"}"),
                400, "validation_failed", "Unable to validate email address: invalid format");
        assertGoTrueError(post("/signup", null, "{not json"), 400, "bad_json", "Could not parse request body as JSON");
    }

    @Test
    void passwordGrantSignsInAndAWrongPasswordOrUnknownEmailLooksTheSame() {
        String email = email();
        String id = signup(email, "hunter22").at("/user/id").asText();
        HttpResponse<String> ok = post("/token?grant_type=password", null,
                "{\"email\":\"" + email + "\",\"password\":\"hunter22\"}");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(id, json(ok).at("/user/id").asText());
        assertEquals(200, getUser(json(ok).get("access_token").asText()).statusCode());

        assertGoTrueError(post("/token?grant_type=password", null, "{\"email\":\"" + email + "\",\"password\":\"nope-nope\"}"),
                400, "invalid_credentials", "Invalid login credentials");
        assertGoTrueError(post("/token?grant_type=password", null, "{\"email\":\"" + email() + "\",\"password\":\"hunter22\"}"),
                400, "invalid_credentials", "Invalid login credentials");
        HttpResponse<String> versioned = post("/token?grant_type=password", null,
                "{\"email\":\"" + email + "\",\"password\":\"nope-nope\"}", "X-Supabase-Api-Version", "2024-01-01");
        assertEquals(400, versioned.statusCode());
        assertEquals("invalid_credentials", json(versioned).get("code").asText(), "2024-01-01 shape: code is the error code");
        assertEquals("Invalid login credentials", json(versioned).get("message").asText());
    }

    @Test
    void refreshTokensRotateAndAReusedOneEndsTheSession() {
        JsonNode first = signup(email(), "rotate-me");
        String r1 = first.get("refresh_token").asText();
        HttpResponse<String> second = post("/token?grant_type=refresh_token", null, "{\"refresh_token\":\"" + r1 + "\"}");
        assertEquals(200, second.statusCode(), second.body());
        String r2 = json(second).get("refresh_token").asText();
        assertNotEquals(r1, r2, "refresh tokens rotate");
        String access2 = json(second).get("access_token").asText();
        assertEquals(200, getUser(access2).statusCode());

        assertGoTrueError(post("/token?grant_type=refresh_token", null, "{\"refresh_token\":\"" + r1 + "\"}"),
                400, "refresh_token_already_used", "Invalid Refresh Token: Already Used");
        // the reuse looked like theft: the whole session, including its newest token, is gone
        assertGoTrueError(post("/token?grant_type=refresh_token", null, "{\"refresh_token\":\"" + r2 + "\"}"),
                400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
        assertGoTrueError(getUser(access2), 403, "session_not_found", "Session from session_id claim in JWT does not exist");
        assertGoTrueError(post("/token?grant_type=refresh_token", null, "{\"refresh_token\":\"made-up\"}"),
                400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
    }

    @Test
    void logoutEndsTheSessionsOfItsScope() {
        String email = email();
        JsonNode a = signup(email, "two-devices");
        JsonNode b = json(post("/token?grant_type=password", null, "{\"email\":\"" + email + "\",\"password\":\"two-devices\"}"));
        HttpResponse<String> local = post("/logout?scope=local", a.get("access_token").asText(), "");
        assertEquals(204, local.statusCode(), local.body());
        assertGoTrueError(getUser(a.get("access_token").asText()), 403, "session_not_found",
                "Session from session_id claim in JWT does not exist");
        assertEquals(200, getUser(b.get("access_token").asText()).statusCode(), "the other device stays signed in");
        assertGoTrueError(post("/token?grant_type=refresh_token", null,
                        "{\"refresh_token\":\"" + a.get("refresh_token").asText() + "\"}"),
                400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
        assertEquals(204, post("/logout", b.get("access_token").asText(), "").statusCode());
        assertEquals(403, getUser(b.get("access_token").asText()).statusCode());
        assertGoTrueError(post("/logout?scope=everywhere", b.get("access_token").asText(), ""),
                400, "validation_failed", "Unsupported logout scope \"everywhere\"");
    }

    @Test
    void userNeedsABearerAndAValidSignature() {
        assertGoTrueError(getUser(null), 401, "no_authorization", "This endpoint requires a valid Bearer token");
        String token = signup(email(), "tampered").get("access_token").asText();
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        assertEquals("bad_jwt", json(getUser(forged)).get("error_code").asText());
        assertEquals(403, getUser(forged).statusCode());
    }

    @Test
    void theApiGatewayWantsTheAnonKeyAndAnswersCorsPreflights() {
        HttpResponse<String> missing = send(TestHttp.request(url("/user"), null).GET().build());
        assertEquals(401, missing.statusCode());
        assertEquals("No API key found in request", json(missing).get("message").asText());
        HttpResponse<String> wrong = send(TestHttp.request(url("/user"), null).header("apikey", "nope").GET().build());
        assertEquals(401, wrong.statusCode());
        assertEquals("Invalid API key", json(wrong).get("message").asText());

        HttpResponse<String> preflight = send(HttpRequest.newBuilder(URI.create(url("/token?grant_type=password")))
                .timeout(Duration.ofSeconds(10)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://127.0.0.1:8082").header("Access-Control-Request-Method", "POST").build());
        assertEquals(204, preflight.statusCode());
        assertEquals("*", preflight.headers().firstValue("access-control-allow-origin").orElse(""));
        assertTrue(preflight.headers().firstValue("access-control-allow-headers").orElse("").contains("apikey"));
    }

    @Test
    void aRotatedKeySignsNewTokensAndTheOldOneVerifiesUntilRevoked() throws Exception {
        String email = email();
        String before = signup(email, "rotation").get("access_token").asText();
        String oldKid = SignedJWT.parse(before).getHeader().getKeyID();
        String newKid = sim.auth().rotateSigningKey();
        try {
            String after = json(post("/token?grant_type=password", null,
                    "{\"email\":\"" + email + "\",\"password\":\"rotation\"}")).get("access_token").asText();
            assertEquals(newKid, SignedJWT.parse(after).getHeader().getKeyID());
            assertEquals(200, getUser(before).statusCode(), "the previous key still verifies");
            Set<String> kids = new java.util.HashSet<>();
            JWKSet.parse(send(TestHttp.request(url("/.well-known/jwks.json"), null).GET().build()).body())
                    .getKeys().forEach(k -> kids.add(k.getKeyID()));
            assertTrue(kids.containsAll(Set.of(oldKid, newKid)), kids.toString());
            assertTrue(sim.auth().revokeSigningKey(oldKid));
            assertEquals(403, getUser(before).statusCode(), "a revoked key verifies nothing");
            assertEquals(200, getUser(after).statusCode());
        } finally {
            sim.auth().revokeSigningKey(oldKid);
        }
    }

    @Test
    void withAStateDirUsersSessionsAndKeysSurviveARestartAndPasswordsAreHashed(@TempDir Path state) throws Exception {
        SimConfig config = SimConfig.builder().openRouterPort(0).stripePort(0).ioThreads(1).stateDir(state).build();
        String email = email();
        String refresh;
        String access;
        try (Sim first = Sim.start(config)) {
            String id = first.auth().signUp(email, "kept-across-restarts");
            assertEquals(id, first.auth().userId(email));
            HttpResponse<String> r = send(TestHttp.request(first.authBaseUrl() + "/token?grant_type=password", null)
                    .header("apikey", ANON).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"email\":\"" + email + "\",\"password\":\"kept-across-restarts\"}")).build());
            refresh = json(r).get("refresh_token").asText();
            access = json(r).get("access_token").asText();
        }
        Path file = state.resolve("auth.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String saved = Files.readString(file);
        assertFalse(saved.contains("kept-across-restarts"), "no plaintext password on disk");
        assertFalse(saved.contains(refresh), "no plaintext refresh token on disk");
        assertTrue(saved.contains("pbkdf2-sha256$600000$"));

        try (Sim second = Sim.start(config)) {
            String base = second.authBaseUrl();
            assertEquals(200, send(TestHttp.request(base + "/user", access).header("apikey", ANON).GET().build())
                    .statusCode(), "the signing key and the session were kept");
            HttpResponse<String> refreshed = send(TestHttp.request(base + "/token?grant_type=refresh_token", null)
                    .header("apikey", ANON).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"refresh_token\":\"" + refresh + "\"}")).build());
            assertEquals(200, refreshed.statusCode(), refreshed.body());
        }
    }
}
