package ai.dexto.gateway.controlplane.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.dexto.gateway.controlplane.errors.ApiException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SessionTokensTest {
    static final String SECRET = "unit-test-secret-0123456789-0123456789-0123456789";
    static HttpServer jwks;
    static ECKey signingKey;
    static SessionTokens tokens;

    @BeforeAll
    static void serveJwks() throws Exception {
        signingKey = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        byte[] body = new JWKSet(signingKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks.json", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        jwks.start();
        tokens = new SessionTokens(SECRET, "authenticated",
                "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json");
    }

    @AfterAll
    static void stop() {
        jwks.stop(0);
    }

    private static String es256(ECKey key, String audience, Instant exp) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject("user-es").audience(audience).expirationTime(Date.from(exp)).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void es256TokensVerifyAgainstTheConfiguredJwks() throws Exception {
        assertEquals("user-es", tokens.verify(es256(signingKey, "authenticated", Instant.now().plusSeconds(60))).userId());
    }

    @Test
    void es256TokensFromAnotherKeyWrongAudienceOrExpiredAreRefused() throws Exception {
        ECKey other = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        assertThrows(ApiException.class, () -> tokens.verify(es256(other, "authenticated", Instant.now().plusSeconds(60))));
        assertThrows(ApiException.class, () -> tokens.verify(es256(signingKey, "anon", Instant.now().plusSeconds(60))));
        assertThrows(ApiException.class, () -> tokens.verify(es256(signingKey, "authenticated", Instant.now().minusSeconds(300))));
    }

    @Test
    void hs256TokensStillWorkAndUnsignedOnesNever() {
        assertEquals("u1", tokens.verify(tokens.issue("u1", null, Duration.ofMinutes(5))).userId());
        String unsigned = new PlainJWT(new JWTClaimsSet.Builder().subject("u1").audience("authenticated")
                .expirationTime(Date.from(Instant.now().plusSeconds(60))).build()).serialize();
        ApiException e = assertThrows(ApiException.class, () -> tokens.verify(unsigned));
        assertEquals(401, e.status());
    }

    @Test
    void aTokenWithoutSubjectOrExpiryIsRefused() throws Exception {
        SignedJWT noExp = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(),
                new JWTClaimsSet.Builder().subject("x").audience("authenticated").build());
        noExp.sign(new ECDSASigner(signingKey));
        assertThrows(ApiException.class, () -> tokens.verify(noExp.serialize()));
        SignedJWT noSub = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(),
                new JWTClaimsSet.Builder().audience("authenticated").expirationTime(Date.from(Instant.now().plusSeconds(60))).build());
        noSub.sign(new ECDSASigner(signingKey));
        assertThrows(ApiException.class, () -> tokens.verify(noSub.serialize()));
    }

    @Test
    void aShortSecretIsRejectedAtStartup() {
        assertThrows(IllegalArgumentException.class, () -> new SessionTokens("short", "authenticated", null));
    }
}
