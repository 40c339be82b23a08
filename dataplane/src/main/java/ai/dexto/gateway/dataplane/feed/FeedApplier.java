package ai.dexto.gateway.dataplane.feed;

import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.common.feed.FeedChanges;
import ai.dexto.gateway.common.feed.FeedKey;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.FeedTier;
import ai.dexto.gateway.common.feed.FeedUser;
import ai.dexto.gateway.common.feed.KeyLookup;
import ai.dexto.gateway.dataplane.auth.KeyCache;
import ai.dexto.gateway.dataplane.auth.KeyEntry;
import ai.dexto.gateway.dataplane.auth.KeyHash;
import ai.dexto.gateway.dataplane.credit.Accounts;
import ai.dexto.gateway.dataplane.credit.UserAccount;
import ai.dexto.gateway.dataplane.ratelimit.RateLimiter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one code path that turns feed messages (snapshot, changes, a key lookup's answer) into the
 * in-memory state the event loops read: accounts, keys, tiers. Upstream keys are opened here, off the
 * event loop, once per ciphertext. Called from the feed thread (and tests); never from an event loop.
 */
public final class FeedApplier {
    private static final Logger LOG = LoggerFactory.getLogger(FeedApplier.class);

    private final Accounts accounts;
    private final KeyCache keys;
    private final RateLimiter limiter;
    private final UpstreamKeyCipher cipher;
    private volatile long cursor = -1;
    private volatile long lastAppliedAtNanos;
    private volatile boolean snapshotLoaded;

    private final UserAccount.KeyOpener opener = this::open;

    public FeedApplier(Accounts accounts, KeyCache keys, RateLimiter limiter, UpstreamKeyCipher cipher) {
        this.accounts = accounts;
        this.keys = keys;
        this.limiter = limiter;
        this.cipher = cipher;
    }

    public synchronized void apply(FeedSnapshot snapshot) {
        limiter.replaceTiers(snapshot.tiers());
        applyUsers(snapshot.users());
        Set<KeyHash> present = new HashSet<>();
        for (FeedKey key : nonNull(snapshot.keys())) {
            present.add(applyKey(key));
        }
        keys.retainOnly(present);
        cursor = snapshot.cursor();
        snapshotLoaded = true;
        lastAppliedAtNanos = System.nanoTime();
    }

    public synchronized void apply(FeedChanges changes) {
        limiter.replaceTiers(changes.tiers());
        applyUsers(changes.users());
        for (FeedKey key : nonNull(changes.keys())) {
            applyKey(key);
        }
        cursor = Math.max(cursor, changes.cursor());
        lastAppliedAtNanos = System.nanoTime();
    }

    /** The control plane's answer to a cache miss. */
    public synchronized KeyEntry apply(KeyLookup lookup) {
        if (lookup.user() != null) {
            applyUser(lookup.user());
        }
        KeyHash hash = applyKey(lookup.key());
        return keys.get(hash);
    }

    /** An empty feed still counts as contact (for the lag metric). */
    public void touched() {
        lastAppliedAtNanos = System.nanoTime();
    }

    public long cursor() {
        return cursor;
    }

    public boolean snapshotLoaded() {
        return snapshotLoaded;
    }

    /** Seconds since the feed last answered; -1 before the first answer. */
    public double lagSeconds() {
        long at = lastAppliedAtNanos;
        return at == 0 ? -1 : (System.nanoTime() - at) / 1e9;
    }

    private void applyUsers(List<FeedUser> users) {
        for (FeedUser user : nonNull(users)) {
            applyUser(user);
        }
    }

    private void applyUser(FeedUser user) {
        UserAccount account = accounts.getOrCreate(user.userId());
        FeedTier tier = limiter.tier(user.tier());
        boolean tierChanged = !tier.name().equals(account.tier());
        account.applyFeed(user.balanceNanos(), user.appliedSequence(), tier.name(),
                tierChanged ? limiter.bucketFor(tier) : account.bucket(), user.upstreamKeyCiphertext(), opener);
    }

    private String open(String userId, String sealed) {
        try {
            return cipher.open(userId, sealed);
        } catch (RuntimeException e) {
            LOG.error("upstream key of a user does not open (wrong ENCRYPTION_KEY?): {}", e.getMessage());
            return null;
        }
    }

    private KeyHash applyKey(FeedKey key) {
        KeyHash hash = KeyHash.ofHex(key.keyHash());
        UserAccount account = accounts.getOrCreate(key.userId());
        keys.put(hash, new KeyEntry(key.keyId(), account, key.isActive()));
        return hash;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
