package ai.dexto.gateway.dataplane.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Key hash → {@link KeyEntry}, kept current by the feed, plus short-lived negative answers from the
 * control plane. Reads are one {@link ConcurrentHashMap#get} with a caller-owned probe. The negative
 * answers are size-capped and evicting, so a stream of made-up keys cannot grow the heap.
 */
public final class KeyCache {
    private final ConcurrentHashMap<KeyHash, KeyEntry> entries = new ConcurrentHashMap<>();
    private final Cache<KeyHash, Boolean> unknown;

    public KeyCache(Duration negativeTtl, long maxNegative) {
        this.unknown = Caffeine.newBuilder().maximumSize(maxNegative).expireAfterWrite(negativeTtl).build();
    }

    public KeyEntry get(KeyHash probe) {
        return entries.get(probe);
    }

    /** Stores an entry unless the cache holds a newer version of the key. */
    public void put(KeyHash hash, KeyEntry entry) {
        entries.merge(hash, entry, (held, fresh) -> fresh.version() >= held.version() ? fresh : held);
        unknown.invalidate(hash);
    }

    /** Stores an entry only when the key is not cached (a lookup's answer never overrides the feed). */
    public KeyEntry putIfAbsent(KeyHash hash, KeyEntry entry) {
        KeyEntry held = entries.putIfAbsent(hash, entry);
        unknown.invalidate(hash);
        return held != null ? held : entry;
    }

    public void remove(KeyHash hash) {
        entries.remove(hash);
    }

    public void retainOnly(Set<KeyHash> keep) {
        entries.keySet().retainAll(keep);
    }

    public void rememberUnknown(KeyHash hash) {
        unknown.put(hash, Boolean.TRUE);
    }

    public boolean knownUnknown(KeyHash probe) {
        return unknown.getIfPresent(probe) != null;
    }

    public int size() {
        return entries.size();
    }

    public long unknownSize() {
        return unknown.estimatedSize();
    }

    /** Runs the negative cache's pending evictions now (they otherwise run as it is used). */
    public void cleanUp() {
        unknown.cleanUp();
    }
}
