package ai.dexto.gateway.dataplane.account;

import java.util.concurrent.CompletableFuture;

/**
 * Mends a user's upstream key after the upstream refused it (401): the control plane mints a new one
 * and the account is given its sealed form. Completes with whether the account now holds a different
 * key (so one retry is worth it); never on an event loop.
 */
public interface UpstreamKeyHealer {
    CompletableFuture<Boolean> heal(UserAccount account, String traceId);
}
