package ai.dexto.gateway.e2e;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/**
 * Session JWTs as Supabase Auth issues them with a shared (HS256) secret: subject, the
 * {@code authenticated} audience, an email and an hour's life. The ES256 sessions of the simulated
 * Supabase Auth come from {@link LocalSystem#signUp} instead.
 */
final class SessionJwts {
    private SessionJwts() {
    }

    static String hs256(String secret, String userId) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .subject(userId).audience("authenticated").claim("email", userId + "@dexto.test")
                    .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
