package ai.dexto.gateway.sim.auth;

import ai.dexto.gateway.sim.SimConfig;
import io.netty.channel.ChannelHandler;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The Supabase Auth side of the simulator, served under {@code /auth/v1} on the OpenRouter listener
 * (a Supabase project serves Auth under its project URL beside its other APIs). State lives in
 * {@code <state-dir>/auth.json} when a state directory is configured.
 */
public final class AuthSim implements AutoCloseable {
    private final AuthApi api;
    private final ExecutorService executor;
    private final AuthHandler handler;

    public AuthSim(SimConfig config, Clock clock) {
        Path stateDir = config.stateDir();
        AuthState state = stateDir == null ? AuthState.inMemory() : AuthState.persistent(stateDir.resolve("auth.json"));
        SecureRandom random = new SecureRandom();
        this.api = new AuthApi(state, new PasswordHasher(random, PasswordHasher.ITERATIONS), clock,
                config.authTokenTtlSeconds(), random);
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "dexto-sim-auth");
            t.setDaemon(true);
            return t;
        });
        this.handler = new AuthHandler(api, config.authAnonKey(), executor);
    }

    /** Put in front of the listener's main router: it takes {@code /auth/v1/*} and {@code /sim/auth/*} only. */
    public ChannelHandler handler() {
        return handler;
    }

    /** Called once bound: the issuer ({@code iss}) of the tokens is the listener's {@code …/auth/v1}. */
    public void listeningOn(String baseUrl) {
        api.issuer(baseUrl + AuthHandler.PREFIX);
    }

    /** {@code http://host:port/auth/v1}, what a Supabase client is given as its auth URL. */
    public String baseUrl() {
        return api.issuer();
    }

    /** Signs a user up as {@code POST /signup} would; returns the user's id. */
    public String signUp(String email, String password) {
        Map<String, Object> session = api.signup(email, password);
        @SuppressWarnings("unchecked")
        Map<String, Object> user = (Map<String, Object>) session.get("user");
        return (String) user.get("id");
    }

    /** The user's id, or null when no user has this email. */
    public String userId(String email) {
        return api.userId(email);
    }

    /** A new current signing key (the old one stays in the JWKS); returns its {@code kid}. */
    public String rotateSigningKey() {
        return api.rotateSigningKey();
    }

    /** Drops a previously used key from the JWKS; tokens it signed stop verifying. */
    public boolean revokeSigningKey(String kid) {
        return api.revokeSigningKey(kid);
    }

    public String currentKid() {
        return api.currentKid();
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
