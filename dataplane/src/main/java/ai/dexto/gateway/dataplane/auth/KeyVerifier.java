package ai.dexto.gateway.dataplane.auth;

import io.netty.util.concurrent.EventExecutor;
import java.util.function.BiConsumer;

/**
 * Authentication as the request steps need it: the in-memory cache first (no I/O, no allocation);
 * on a miss, one asynchronous question to the control plane, answered back on the caller's loop.
 */
public final class KeyVerifier {
    private final Authenticator authenticator;
    private final KeyLookups lookups;

    public KeyVerifier(Authenticator authenticator, KeyLookups lookups) {
        this.authenticator = authenticator;
        this.lookups = lookups;
    }

    /** The cache's answer for an {@code Authorization} value; {@link AuthResult#MISS} means ask. */
    public AuthResult fromCache(String authorization, Authenticator.Scratch into) {
        return authenticator.authenticate(authorization, into);
    }

    public Authenticator.Scratch scratch() {
        return authenticator.scratch();
    }

    /**
     * Asks the control plane about the key last checked with {@code s} and calls {@code then} on
     * {@code loop} with the answer; {@link AuthResult#MISS} when it could not be asked.
     */
    public void ask(Authenticator.Scratch s, String traceId, EventExecutor loop, BiConsumer<AuthResult, KeyEntry> then) {
        lookups.lookup(s.hash(), traceId).whenComplete((entry, error) -> loop.execute(() -> {
            if (error != null) {
                then.accept(AuthResult.MISS, null);
            } else if (entry == null) {
                then.accept(AuthResult.UNKNOWN, null);
            } else {
                then.accept(entry.active() ? AuthResult.OK : AuthResult.REVOKED, entry);
            }
        }));
    }
}
