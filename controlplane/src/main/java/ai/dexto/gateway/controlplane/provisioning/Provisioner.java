package ai.dexto.gateway.controlplane.provisioning;

import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.controlplane.daos.KeyDao;
import ai.dexto.gateway.controlplane.daos.LedgerDao;
import ai.dexto.gateway.controlplane.daos.UpstreamKeyDao;
import ai.dexto.gateway.controlplane.daos.UserDao;
import ai.dexto.gateway.controlplane.db.Transactions;
import java.sql.SQLException;

/**
 * {@code POST /api/provision}: on first sight of a user, a user row, a balance with the intro credit,
 * an upstream key minted for them and sealed; every time, a new API key (the previous active one is
 * revoked). All per-user work runs under {@link UserLocks}, so concurrent calls never mint two upstream
 * keys or two balances. The mint happens before the one transaction that records everything; if that
 * transaction fails, the minted key is deleted upstream again.
 */
public final class Provisioner {
    public record Provisioned(String userId, long keyId, String apiKey, boolean isNewKey, boolean newUser) {
    }

    private final Transactions tx;
    private final UserLocks locks;
    private final UserDao users;
    private final LedgerDao ledger;
    private final KeyDao keys;
    private final UpstreamKeyDao upstreamKeys;
    private final UpstreamKeysClient upstream;
    private final UpstreamKeyCipher cipher;
    private final String defaultTier;
    private final long introNanos;
    private final long minUpstreamLimitNanos;
    private final UpstreamKeyRotation rotation;

    public Provisioner(Transactions tx, UserLocks locks, UserDao users, LedgerDao ledger, KeyDao keys,
                       UpstreamKeyDao upstreamKeys, UpstreamKeysClient upstream, UpstreamKeyCipher cipher,
                       String defaultTier, long introNanos, long minUpstreamLimitNanos, UpstreamKeyRotation rotation) {
        this.tx = tx;
        this.locks = locks;
        this.users = users;
        this.ledger = ledger;
        this.keys = keys;
        this.upstreamKeys = upstreamKeys;
        this.upstream = upstream;
        this.cipher = cipher;
        this.defaultTier = defaultTier;
        this.introNanos = introNanos;
        this.minUpstreamLimitNanos = minUpstreamLimitNanos;
        this.rotation = rotation;
    }

    public Provisioned provision(String userId, String email) {
        return locks.withUser(userId, c -> {
            UpstreamKeyDao.UpstreamKey existing = upstreamKeys.find(c, userId);
            UpstreamKeysClient.Minted minted = null;
            long limit = 0;
            if (existing == null) {
                UserDao.UserRow known = users.find(userId);
                long credits = known == null ? introNanos : known.lifetimeCreditNanos();
                limit = Math.max(minUpstreamLimitNanos, credits);
                minted = upstream.mint("dexto-" + userId, limit);
            }
            UpstreamKeysClient.Minted mintedKey = minted;
            long mintedLimit = limit;
            try {
                return tx.inTransaction(c, t -> {
                    boolean created = users.ensure(t, userId, email, defaultTier);
                    if (created && introNanos != 0) {
                        ledger.credit(t, userId, introNanos, LedgerDao.Kind.INTRO, "intro credit", "system",
                                "intro:" + userId);
                    }
                    if (mintedKey != null) {
                        upstreamKeys.insert(t, userId, mintedKey.hash(), cipher.seal(userId, mintedKey.key()),
                                mintedLimit);
                    }
                    KeyDao.IssuedKey issued = keys.issue(t, userId, "default");
                    return new Provisioned(userId, issued.id(), issued.plaintext(), !issued.replacedActiveKey(),
                            created);
                });
            } catch (SQLException | RuntimeException e) {
                if (mintedKey != null) {
                    rotation.deleteQuietly(mintedKey.hash());
                }
                throw e;
            }
        });
    }

    /** Mints a replacement, seals and stores it, then retires the old key upstream. */
    public void rotateUpstreamKey(String userId) {
        locks.withUser(userId, c -> {
            UpstreamKeyDao.UpstreamKey old = upstreamKeys.find(c, userId);
            if (old == null) {
                throw ai.dexto.gateway.controlplane.errors.ApiException.notFound("User has no upstream key");
            }
            return rotation.replace(c, userId, old, "rotate");
        });
    }
}
