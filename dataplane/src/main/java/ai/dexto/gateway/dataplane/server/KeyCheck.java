package ai.dexto.gateway.dataplane.server;

import ai.dexto.gateway.dataplane.auth.AuthResult;
import ai.dexto.gateway.dataplane.auth.Authenticator;
import ai.dexto.gateway.dataplane.auth.KeyEntry;
import ai.dexto.gateway.dataplane.auth.KeyLookups;
import io.netty.channel.ChannelHandlerContext;
import java.util.function.BiConsumer;

/**
 * Authentication as both key routes need it: the cache first; on a miss one asynchronous question to
 * the control plane, continued on the connection's event loop.
 */
public final class KeyCheck {
    /** The answer: the result and, when OK, the entry. UNAVAILABLE-like failures come as MISS. */
    private final Authenticator authenticator;
    private final KeyLookups lookups;

    public KeyCheck(Authenticator authenticator, KeyLookups lookups) {
        this.authenticator = authenticator;
        this.lookups = lookups;
    }

    /**
     * Calls {@code then} with (result, entry) on the event loop, synchronously when the cache answers.
     * A result of MISS after the lookup means the control plane could not be asked.
     */
    public void check(ChannelHandlerContext ctx, String authorization, BiConsumer<AuthResult, KeyEntry> then) {
        Authenticator.Scratch s = authenticator.scratch();
        AuthResult r = authenticator.authenticate(authorization, s, System.nanoTime());
        if (r != AuthResult.MISS) {
            then.accept(r, s.entry());
            return;
        }
        lookups.lookup(s.hash()).whenComplete((entry, error) -> ctx.executor().execute(() -> {
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
