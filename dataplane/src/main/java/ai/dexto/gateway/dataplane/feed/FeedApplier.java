package ai.dexto.gateway.dataplane.feed;

import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.common.feed.FeedChanges;
import ai.dexto.gateway.common.feed.FeedKey;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.FeedTier;
import ai.dexto.gateway.common.feed.FeedUser;
import ai.dexto.gateway.common.feed.KeyLookup;
import ai.dexto.gateway.dataplane.account.Accounts;
import ai.dexto.gateway.dataplane.account.UpstreamKeyHealer;
import ai.dexto.gateway.dataplane.account.UserAccount;
import ai.dexto.gateway.dataplane.auth.KeyApplier;
import ai.dexto.gateway.dataplane.auth.KeyCache;
import ai.dexto.gateway.dataplane.auth.KeyEntry;
import ai.dexto.gateway.dataplane.auth.KeyHash;
import ai.dexto.gateway.dataplane.ratelimit.RateLimiter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one code path that turns the control plane's answers (feed snapshot, changes, a key lookup, an
 * upstream-key heal) into the in-memory state the event loops read: accounts, keys, tiers. A key is
 * never replaced by an older version of itself, and a lookup's answer never replaces what the feed
 * delivered, so a slow lookup cannot undo a revocation. Sealed upstream keys are stored as they come
 * and opened on first use ({@link UserAccount#upstreamKey()}). Never called on an event loop.
 */
public final class FeedApplier implements KeyApplier, UpstreamKeyHealer {
    private static final Logger LOG = LoggerFactory.getLogger(FeedApplier.class);

    private final Accounts accounts;
    private final KeyCache keys;
    private final RateLimiter limiter;
    private final UpstreamKeyCipher cipher;
    private volatile long cursor = -1;
    private volatile long lastAppliedAtNanos;
    private volatile boolean snapshotLoaded;

    private final UserAccount.KeyOpener opener = this::open;
    private volatile ControlPlaneClient control;

    public FeedApplier(Accounts accounts, KeyCache keys, RateLimiter limiter, UpstreamKeyCipher cipher) {
        this.accounts = accounts;
        this.keys = keys;
        this.limiter = limiter;
        this.cipher = cipher;
    }

    /** The control plane heals are asked of (none in tests that seed state by hand). */
    public void askHealsOf(ControlPlaneClient client) {
        this.control = client;
    }

    public synchronized void apply(FeedSnapshot snapshot) {
        limiter.replaceTiers(snapshot.tiers());
        shareLimits(snapshot.activeNodes());
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
        shareLimits(changes.activeNodes());
        applyUsers(changes.users());
        for (FeedKey key : nonNull(changes.keys())) {
            applyKey(key);
        }
        cursor = Math.max(cursor, changes.cursor());
        lastAppliedAtNanos = System.nanoTime();
    }

    /** The control plane's answer to a cache miss: fills the miss, never overrides the feed. */
    @Override
    public synchronized KeyEntry apply(KeyLookup lookup) {
        if (lookup.user() != null && accounts.get(lookup.user().userId()) == null) {
            applyUser(lookup.user());
        }
        FeedKey key = lookup.key();
        return keys.putIfAbsent(KeyHash.ofHex(key.keyHash()), entry(key));
    }

    /**
     * Asks the control plane to re-mint the user's upstream key the upstream refused, and takes the
     * new sealed key; true when the account now holds a different key.
     */
    @Override
    public CompletableFuture<Boolean> heal(UserAccount account, String traceId) {
        ControlPlaneClient c = control;
        String refused = account.sealedUpstreamKey();
        if (c == null || refused == null) {
            return CompletableFuture.completedFuture(false);
        }
        return c.healUpstreamKey(account.userId(), refused, traceId)
                .thenApply(sealed -> sealed != null && account.replaceSealedKey(sealed, opener));
    }

    /**
     * The number of nodes sharing each user's limits changed: every user's bucket becomes this node's new
     * share. Rare (a node joins or leaves), and off the event loops.
     */
    private void shareLimits(int activeNodes) {
        if (limiter.shareAmong(activeNodes)) {
            LOG.info("{} gateway nodes share each user's rate limit: this node enforces its share", limiter.nodes());
            accounts.forEach(a -> a.replaceBucket(limiter.bucketFor(limiter.tier(a.tier()))));
        }
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
        keys.put(hash, entry(key));
        return hash;
    }

    private KeyEntry entry(FeedKey key) {
        return new KeyEntry(key.keyId(), accounts.getOrCreate(key.userId()), key.isActive(), key.version());
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
