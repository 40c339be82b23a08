package ai.dexto.gateway.sim.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * GoTrue's behaviour behind {@code /auth/v1}: sign-up (auto-confirmed), the password and refresh-token
 * grants, the user, logout, and the JWKS. Refresh tokens rotate and are single-use: presenting a used
 * one again is treated as theft and ends its whole session (GoTrue with a reuse interval of 0). Access
 * tokens are ES256 JWTs with Supabase's claims; after logout they stop working here (the session is
 * gone) but stay valid for other verifiers until {@code exp}, exactly as with Supabase.
 */
final class AuthApi {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final int MIN_PASSWORD = 6;
    private static final HexFormat HEX = HexFormat.of();

    private final AuthState state;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final long accessTokenTtlSeconds;
    private final SecureRandom random;
    /** Verified against when the email is unknown, so a miss costs what a wrong password costs. */
    private final String decoyHash;
    private volatile String issuer = "http://127.0.0.1/auth/v1";

    AuthApi(AuthState state, PasswordHasher hasher, Clock clock, long accessTokenTtlSeconds, SecureRandom random) {
        this.state = state;
        this.hasher = hasher;
        this.clock = clock;
        this.accessTokenTtlSeconds = accessTokenTtlSeconds;
        this.random = random;
        this.decoyHash = hasher.hash(UUID.randomUUID().toString());
    }

    void issuer(String issuer) {
        this.issuer = issuer;
    }

    String issuer() {
        return issuer;
    }

    Map<String, Object> signup(String email, String password) {
        if (email == null || email.isBlank()) {
            throw AuthErrors.badRequest("validation_failed", "To signup, please provide your email");
        }
        if (!EMAIL.matcher(email.trim()).matches()) {
            throw AuthErrors.badRequest("validation_failed", "Unable to validate email address: invalid format");
        }
        if (password == null || password.isEmpty()) {
            throw AuthErrors.unprocessable("validation_failed", "Signup requires a valid password");
        }
        if (password.length() < MIN_PASSWORD) {
            throw new AuthErrors.Failure(422, "weak_password",
                    "Password should be at least " + MIN_PASSWORD + " characters.", List.of("length"));
        }
        String hash = hasher.hash(password);
        synchronized (state) {
            if (state.userByEmail(email) != null) {
                throw AuthErrors.unprocessable("user_already_exists", "User already registered");
            }
            Instant now = clock.instant();
            AuthUser user = new AuthUser(UUID.randomUUID().toString(), AuthState.normalEmail(email), hash, now, now);
            state.addUser(user);
            return newSession(user, now);
        }
    }

    Map<String, Object> passwordGrant(String email, String password) {
        if (email == null || email.isBlank()) {
            throw AuthErrors.badRequest("validation_failed", "missing email or phone");
        }
        AuthUser user;
        synchronized (state) {
            user = state.userByEmail(email);
        }
        boolean ok = hasher.matches(password == null ? "" : password, user == null ? decoyHash : user.passwordHash);
        if (user == null || !ok) {
            throw AuthErrors.badRequest("invalid_credentials", "Invalid login credentials");
        }
        synchronized (state) {
            Instant now = clock.instant();
            user.lastSignInAt = now;
            return newSession(user, now);
        }
    }

    Map<String, Object> refreshGrant(String refreshToken) {
        if (refreshToken == null || refreshToken.isBlank()) {
            throw AuthErrors.badRequest("validation_failed", "refresh_token required");
        }
        String hash = sha256(refreshToken);
        synchronized (state) {
            String sessionId = state.sessionByRefreshHash.get(hash);
            AuthState.Session session = sessionId == null ? null : state.sessions.get(sessionId);
            if (session == null) {
                throw AuthErrors.badRequest("refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
            }
            if (!session.refreshHash.equals(hash)) {
                state.removeSession(session); // a used token came back: whoever holds the family loses it
                state.save();
                throw AuthErrors.badRequest("refresh_token_already_used", "Invalid Refresh Token: Already Used");
            }
            AuthUser user = state.usersById.get(session.userId);
            String next = newRefreshToken();
            session.usedHashes.add(session.refreshHash);
            session.refreshHash = sha256(next);
            state.sessionByRefreshHash.put(session.refreshHash, session.id);
            state.save();
            return tokenResponse(user, session, next, clock.instant());
        }
    }

    /** The user a valid access token of a live session names. */
    Map<String, Object> user(String accessToken) {
        synchronized (state) {
            return liveSession(accessToken).user.toJson();
        }
    }

    void logout(String accessToken, String scope) {
        String s = scope == null || scope.isEmpty() ? "global" : scope;
        if (!s.equals("global") && !s.equals("local") && !s.equals("others")) {
            throw AuthErrors.badRequest("validation_failed", "Unsupported logout scope \"" + scope + "\"");
        }
        synchronized (state) {
            Live live = liveSession(accessToken);
            for (AuthState.Session session : List.copyOf(state.sessions.values())) {
                boolean mine = session.id.equals(live.session.id);
                if (session.userId.equals(live.user.id)
                        && (s.equals("global") || (s.equals("local") && mine) || (s.equals("others") && !mine))) {
                    state.removeSession(session);
                }
            }
            state.save();
        }
    }

    Map<String, Object> jwks() {
        synchronized (state) {
            return state.keys.jwks();
        }
    }

    String rotateSigningKey() {
        synchronized (state) {
            String kid = state.keys.rotate();
            state.save();
            return kid;
        }
    }

    boolean revokeSigningKey(String kid) {
        synchronized (state) {
            boolean revoked = state.keys.revoke(kid);
            state.save();
            return revoked;
        }
    }

    String currentKid() {
        synchronized (state) {
            return state.keys.currentKid();
        }
    }

    /** The id of the user with this email, or null. */
    String userId(String email) {
        synchronized (state) {
            AuthUser user = state.userByEmail(email);
            return user == null ? null : user.id;
        }
    }

    private record Live(AuthUser user, AuthState.Session session) {
    }

    private Live liveSession(String accessToken) {
        if (accessToken == null || accessToken.isBlank()) {
            throw AuthErrors.unauthorized("no_authorization", "This endpoint requires a valid Bearer token");
        }
        JWTClaimsSet claims = state.keys.verify(accessToken);
        if (claims == null) {
            throw AuthErrors.forbidden("bad_jwt", "invalid JWT: unable to parse or verify signature, "
                    + "token signature is invalid");
        }
        Date exp = claims.getExpirationTime();
        if (exp == null || !exp.toInstant().isAfter(clock.instant())) {
            throw AuthErrors.forbidden("bad_jwt", "invalid JWT: unable to parse or verify signature, token has "
                    + "invalid claims: token is expired");
        }
        Object sessionId = claims.getClaim("session_id");
        AuthState.Session session = sessionId == null ? null : state.sessions.get(sessionId.toString());
        if (session == null) {
            throw AuthErrors.forbidden("session_not_found", "Session from session_id claim in JWT does not exist");
        }
        AuthUser user = state.usersById.get(session.userId);
        if (user == null || !user.id.equals(claims.getSubject())) {
            throw AuthErrors.forbidden("user_not_found", "User from sub claim in JWT does not exist");
        }
        return new Live(user, session);
    }

    private Map<String, Object> newSession(AuthUser user, Instant now) {
        String refresh = newRefreshToken();
        AuthState.Session session = new AuthState.Session(UUID.randomUUID().toString(), user.id, sha256(refresh));
        state.addSession(session);
        state.save();
        return tokenResponse(user, session, refresh, now);
    }

    /** GoTrue's AccessTokenResponse. */
    private Map<String, Object> tokenResponse(AuthUser user, AuthState.Session session, String refresh, Instant now) {
        Instant exp = now.plusSeconds(accessTokenTtlSeconds);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(user.id)
                .audience("authenticated")
                .expirationTime(Date.from(exp))
                .issueTime(Date.from(now))
                .claim("email", user.email)
                .claim("phone", "")
                .claim("app_metadata", AuthUser.appMetadata())
                .claim("user_metadata", Map.of())
                .claim("role", "authenticated")
                .claim("aal", "aal1")
                .claim("amr", List.of(Map.of("method", "password", "timestamp", now.getEpochSecond())))
                .claim("session_id", session.id)
                .claim("is_anonymous", false)
                .build();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", state.keys.sign(claims));
        body.put("token_type", "bearer");
        body.put("expires_in", accessTokenTtlSeconds);
        body.put("expires_at", exp.getEpochSecond());
        body.put("refresh_token", refresh);
        body.put("user", user.toJson());
        return body;
    }

    private String newRefreshToken() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String sha256(String text) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
