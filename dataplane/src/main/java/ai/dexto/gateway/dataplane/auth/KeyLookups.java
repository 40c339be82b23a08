package ai.dexto.gateway.dataplane.auth;

import ai.dexto.gateway.common.feed.KeyLookup;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * The one question to the control plane on a cache miss: asynchronous, de-duplicated (concurrent
 * misses for the same key share one request) and bounded (at most {@code maxInFlight} questions at
 * once; past that a miss is answered "cannot check now" without asking). A found key enters the cache
 * through the feed's code path; a 404 is remembered briefly, so repeating a bad key costs nothing.
 */
public final class KeyLookups {
    /** (sha-256 hex, trace id) → the control plane's answer. */
    private final BiFunction<String, String, CompletableFuture<Optional<KeyLookup>>> ask;
    private final KeyApplier applier;
    private final KeyCache cache;
    private final int maxInFlight;
    private final AtomicInteger inFlightCount = new AtomicInteger();
    private final ConcurrentHashMap<KeyHash, CompletableFuture<KeyEntry>> inFlight = new ConcurrentHashMap<>();

    public KeyLookups(BiFunction<String, String, CompletableFuture<Optional<KeyLookup>>> ask, KeyApplier applier, KeyCache cache,
                      int maxInFlight) {
        this.ask = ask;
        this.applier = applier;
        this.cache = cache;
        this.maxInFlight = maxInFlight;
    }

    /**
     * Completes with the entry, or null when the key does not exist; exceptionally when the control
     * plane cannot answer, or too many questions are already open. {@code traceId}: the asking request's.
     */
    public CompletableFuture<KeyEntry> lookup(KeyHash probe, String traceId) {
        CompletableFuture<KeyEntry> existing = inFlight.get(probe);
        if (existing != null) {
            return existing;
        }
        if (inFlightCount.incrementAndGet() > maxInFlight) {
            inFlightCount.decrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException("too many key lookups in flight"));
        }
        KeyHash hash = probe.copy();
        CompletableFuture<KeyEntry> mine = new CompletableFuture<>();
        existing = inFlight.putIfAbsent(hash, mine);
        if (existing != null) {
            inFlightCount.decrementAndGet();
            return existing;
        }
        ask.apply(hash.toHex(), traceId).whenComplete((Optional<KeyLookup> found, Throwable error) -> {
            inFlight.remove(hash, mine);
            inFlightCount.decrementAndGet();
            if (error != null) {
                mine.completeExceptionally(error);
            } else if (found.isEmpty() || found.get().key() == null) {
                cache.rememberUnknown(hash);
                mine.complete(null);
            } else {
                mine.complete(applier.apply(found.get()));
            }
        });
        return mine;
    }

    public int inFlight() {
        return inFlightCount.get();
    }
}
