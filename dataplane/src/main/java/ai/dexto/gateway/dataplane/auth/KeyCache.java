package ai.dexto.gateway.dataplane.auth;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Key hash → {@link KeyEntry}, kept current by the feed, plus short-lived negative answers from the
 * control plane. Reads are one {@link ConcurrentHashMap#get} with a caller-owned probe.
 */
public final class KeyCache {
    private final ConcurrentHashMap<KeyHash, KeyEntry> entries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<KeyHash, Long> unknownUntil = new ConcurrentHashMap<>();

    public KeyEntry get(KeyHash probe) {
        return entries.get(probe);
    }

    public void put(KeyHash hash, KeyEntry entry) {
        entries.put(hash, entry);
        unknownUntil.remove(hash);
    }

    public void remove(KeyHash hash) {
        entries.remove(hash);
    }

    public void retainOnly(java.util.Set<KeyHash> keep) {
        entries.keySet().retainAll(keep);
    }

    public void rememberUnknown(KeyHash hash, long untilNanos) {
        unknownUntil.put(hash, untilNanos);
    }

    public boolean knownUnknown(KeyHash probe, long nowNanos) {
        Long until = unknownUntil.get(probe);
        if (until == null) {
            return false;
        }
        if (until - nowNanos > 0) {
            return true;
        }
        unknownUntil.remove(probe);
        return false;
    }

    public int size() {
        return entries.size();
    }
}
