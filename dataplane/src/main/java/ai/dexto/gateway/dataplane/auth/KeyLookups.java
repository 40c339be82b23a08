package ai.dexto.gateway.dataplane.auth;

import ai.dexto.gateway.common.feed.KeyLookup;
import ai.dexto.gateway.dataplane.feed.ControlPlaneClient;
import ai.dexto.gateway.dataplane.feed.FeedApplier;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one question to the control plane on a cache miss, asynchronous and de-duplicated: concurrent
 * misses for the same key share one request. A found key enters the cache through the feed's code
 * path; a 404 is remembered briefly so a stream of bad keys does not become a stream of lookups.
 */
public final class KeyLookups {
    private final ControlPlaneClient client;
    private final FeedApplier applier;
    private final KeyCache cache;
    private final long negativeTtlNanos;
    private final ConcurrentHashMap<KeyHash, CompletableFuture<KeyEntry>> inFlight = new ConcurrentHashMap<>();

    public KeyLookups(ControlPlaneClient client, FeedApplier applier, KeyCache cache, long negativeTtlNanos) {
        this.client = client;
        this.applier = applier;
        this.cache = cache;
        this.negativeTtlNanos = negativeTtlNanos;
    }

    /** Completes with the entry, or null when the key does not exist; exceptionally if the control plane is away. */
    public CompletableFuture<KeyEntry> lookup(KeyHash probe) {
        KeyHash hash = probe.copy();
        CompletableFuture<KeyEntry> mine = new CompletableFuture<>();
        CompletableFuture<KeyEntry> existing = inFlight.putIfAbsent(hash, mine);
        if (existing != null) {
            return existing;
        }
        client.lookupKey(hash.toHex()).whenComplete((Optional<KeyLookup> found, Throwable error) -> {
            inFlight.remove(hash, mine);
            if (error != null) {
                mine.completeExceptionally(error);
            } else if (found.isEmpty() || found.get().key() == null) {
                cache.rememberUnknown(hash, System.nanoTime() + negativeTtlNanos);
                mine.complete(null);
            } else {
                mine.complete(applier.apply(found.get()));
            }
        });
        return mine;
    }
}
