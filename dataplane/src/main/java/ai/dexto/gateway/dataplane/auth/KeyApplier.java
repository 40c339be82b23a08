package ai.dexto.gateway.dataplane.auth;

import ai.dexto.gateway.common.feed.KeyLookup;

/** Puts the control plane's answer to a cache miss into the node's state (the feed's code path). */
public interface KeyApplier {
    /** The entry the cache holds for the key afterwards (an entry the feed delivered meanwhile wins). */
    KeyEntry apply(KeyLookup lookup);
}
