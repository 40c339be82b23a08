package ai.dexto.gateway.sim.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The project's asymmetric JWT signing keys (ES256, P-256), as Supabase's "JWT signing keys": one
 * current key signs every new access token; a rotated-out key stays in the JWKS as "previously used"
 * so tokens it signed keep verifying until it is revoked. Not thread-safe: {@link AuthState} guards it.
 */
final class SigningKeys {
    private final List<ECKey> active = new ArrayList<>(); // newest first: index 0 is the current key

    static SigningKeys fresh() {
        SigningKeys keys = new SigningKeys();
        keys.rotate();
        return keys;
    }

    /** Restores saved keys (private JWK JSON, newest first). */
    static SigningKeys restore(List<Map<String, Object>> saved) {
        SigningKeys keys = new SigningKeys();
        for (Map<String, Object> jwk : saved) {
            try {
                keys.active.add(ECKey.parse(jwk));
            } catch (ParseException e) {
                throw new IllegalStateException("a saved signing key is not an EC JWK", e);
            }
        }
        if (keys.active.isEmpty()) {
            keys.rotate();
        }
        return keys;
    }

    /** A new current key; the old one moves to "previously used". Returns the new key id. */
    String rotate() {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256)
                    .keyID(UUID.randomUUID().toString())
                    .algorithm(JWSAlgorithm.ES256)
                    .keyUse(KeyUse.SIGNATURE)
                    .keyOperations(Set.of(KeyOperation.VERIFY))
                    .generate();
            active.add(0, key);
            return key.getKeyID();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a P-256 key", e);
        }
    }

    /** Removes a previously used key from the JWKS; the current key cannot be revoked. */
    boolean revoke(String kid) {
        for (int i = 1; i < active.size(); i++) {
            if (active.get(i).getKeyID().equals(kid)) {
                active.remove(i);
                return true;
            }
        }
        return false;
    }

    String currentKid() {
        return active.get(0).getKeyID();
    }

    String sign(JWTClaimsSet claims) {
        ECKey key = active.get(0);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
        return jwt.serialize();
    }

    /** The claims of a token signed by one of the active keys, or null (bad signature, unknown kid, garbage). */
    JWTClaimsSet verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
                return null;
            }
            for (ECKey key : active) {
                if (key.getKeyID().equals(jwt.getHeader().getKeyID())) {
                    return jwt.verify(new ECDSAVerifier(key.toPublicJWK())) ? jwt.getJWTClaimsSet() : null;
                }
            }
            return null;
        } catch (ParseException | JOSEException e) {
            return null;
        }
    }

    /** {@code {"keys":[…]}}: public halves only, with {@code ext} as Supabase publishes them. */
    Map<String, Object> jwks() {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (ECKey key : active) {
            Map<String, Object> jwk = new LinkedHashMap<>(key.toPublicJWK().toJSONObject());
            jwk.put("ext", true);
            keys.add(jwk);
        }
        return Map.of("keys", keys);
    }

    List<Map<String, Object>> toSaved() {
        List<Map<String, Object>> saved = new ArrayList<>();
        for (ECKey key : active) {
            saved.add(key.toJSONObject());
        }
        return saved;
    }
}
