package ai.dexto.gateway.controlplane.auth;

import ai.dexto.gateway.controlplane.errors.ApiException;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * Supabase-style session JWTs: HS256 with the project's secret, or ES256/RS256 against a JWKS URL
 * when configured. Required: a valid signature, {@code exp} in the future, {@code aud} as configured
 * (Supabase: {@code authenticated}), {@code sub} (the user id) and, when an issuer is configured,
 * {@code iss} equal to it (Supabase: {@code https://<project>.supabase.co/auth/v1}).
 *
 * <p>The JWKS is fetched on first use and cached for {@link #JWKS_CACHE}; a token whose {@code kid} is
 * not in the cached set makes one immediate re-fetch (so a key rotated in at Supabase verifies at once),
 * rate-limited to two fetches per {@link #JWKS_MIN_REFRESH} so forged {@code kid}s cannot flood it.
 * A key revoked at Supabase stops verifying here when the cache expires.
 */
public final class SessionTokens {
    /** @param expiresAt the token's {@code exp} */
    public record Session(String userId, String email, Instant expiresAt) {
    }

    static final Duration JWKS_CACHE = Duration.ofMinutes(5);
    static final Duration JWKS_MIN_REFRESH = Duration.ofSeconds(30);

    private final byte[] secret;
    private final String audience;
    private final String issuer;
    private final DefaultJWTProcessor<SecurityContext> hmac;
    private final DefaultJWTProcessor<SecurityContext> jwks;

    public SessionTokens(String secret, String audience, String jwksUrl) {
        this(secret, audience, jwksUrl, null);
    }

    /** @param issuer the required {@code iss}, or null/blank to accept any */
    public SessionTokens(String secret, String audience, String jwksUrl, String issuer) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.issuer = issuer == null || issuer.isBlank() ? null : issuer;
        if (this.secret.length < 32) {
            throw new IllegalArgumentException("the JWT secret must be at least 32 bytes for HS256");
        }
        this.audience = audience;
        this.hmac = processor(new ImmutableSecret<>(this.secret), Set.of(JWSAlgorithm.HS256));
        this.jwks = jwksUrl == null || jwksUrl.isBlank() ? null : processor(remote(jwksUrl),
                Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256));
    }

    public Session verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
            DefaultJWTProcessor<SecurityContext> processor = JWSAlgorithm.HS256.equals(alg) ? hmac : jwks;
            if (processor == null) {
                throw ApiException.unauthorized("Unsupported session token algorithm");
            }
            JWTClaimsSet claims = processor.process(jwt, null);
            Object email = claims.getClaim("email");
            return new Session(claims.getSubject(), email instanceof String s ? s : null,
                    claims.getExpirationTime().toInstant());
        } catch (ParseException e) {
            throw ApiException.unauthorized("Malformed session token");
        } catch (ApiException e) {
            throw e;
        } catch (Exception e) {
            // BadJOSEException (signature, exp, aud, missing claims) and JOSEException: one answer
            throw ApiException.unauthorized("Invalid or expired session token");
        }
    }

    /** Signs a session token with the configured HS256 secret (the {@code dev-token} command, tests). */
    public String issue(String userId, String email, Duration ttl) {
        try {
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(userId).audience(audience).issuer(issuer)
                    .claim("role", "authenticated")
                    .issueTime(new Date()).expirationTime(Date.from(Instant.now().plus(ttl)));
            if (email != null) {
                claims.claim("email", email);
            }
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a session token", e);
        }
    }

    private DefaultJWTProcessor<SecurityContext> processor(JWKSource<SecurityContext> keys, Set<JWSAlgorithm> algs) {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(algs, keys));
        JWTClaimsSet exact = issuer == null ? null : new JWTClaimsSet.Builder().issuer(issuer).build();
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience, exact, Set.of("sub", "exp")));
        return p;
    }

    private static JWKSource<SecurityContext> remote(String url) {
        try {
            return JWKSourceBuilder.create(URI.create(url).toURL())
                    .cache(JWKS_CACHE.toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                    .rateLimited(JWKS_MIN_REFRESH.toMillis())
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("bad JWKS URL", e);
        }
    }
}
