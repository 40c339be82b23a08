package ai.dexto.gateway.controlplane.provisioning;

import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.controlplane.daos.UpstreamKeyDao;
import ai.dexto.gateway.controlplane.daos.UserDao;
import ai.dexto.gateway.controlplane.db.Transactions;
import ai.dexto.gateway.controlplane.errors.ApiException;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a user's upstream key (admin rotation, heal): mint a new key with at least the old limit,
 * seal and store it in one transaction that also records the old key in the user's key history and
 * the feed change, then retire the old key upstream: read its final usage for the reconciler, delete
 * it. The caller holds the user's {@link UserLocks} lock on {@code c}.
 */
public final class UpstreamKeyRotation {
    private static final Logger log = LoggerFactory.getLogger(UpstreamKeyRotation.class);

    private final Transactions tx;
    private final UserDao users;
    private final UpstreamKeyDao upstreamKeys;
    private final UpstreamKeysClient upstream;
    private final UpstreamKeyCipher cipher;
    private final long minUpstreamLimitNanos;

    public UpstreamKeyRotation(Transactions tx, UserDao users, UpstreamKeyDao upstreamKeys, UpstreamKeysClient upstream,
                               UpstreamKeyCipher cipher, long minUpstreamLimitNanos) {
        this.tx = tx;
        this.users = users;
        this.upstreamKeys = upstreamKeys;
        this.upstream = upstream;
        this.cipher = cipher;
        this.minUpstreamLimitNanos = minUpstreamLimitNanos;
    }

    /** @return the new key, sealed */
    String replace(Connection c, String userId, UpstreamKeyDao.UpstreamKey old, String reason) throws SQLException {
        UserDao.UserRow user = users.find(userId);
        long limit = Math.max(Math.max(minUpstreamLimitNanos, old.limitNanos()),
                user == null ? 0 : user.lifetimeCreditNanos());
        UpstreamKeysClient.Minted minted = upstream.mint("dexto-" + userId, limit);
        String sealed = cipher.seal(userId, minted.key());
        try {
            boolean replaced = tx.inTransaction(c, t -> upstreamKeys.replace(t, userId, old.upstreamHash(),
                    minted.hash(), sealed, limit, reason));
            if (!replaced) {
                throw ApiException.conflict("upstream_key_changed", "The upstream key changed meanwhile; retry");
            }
        } catch (SQLException | RuntimeException e) {
            deleteQuietly(minted.hash());
            throw e;
        }
        retire(old.upstreamHash());
        return sealed;
    }

    /** Best effort: a key the upstream no longer knows has no usage to read and nothing to delete. */
    private void retire(String hash) {
        try {
            Long usage = upstream.usageNanos(hash);
            if (usage != null) {
                upstreamKeys.recordRetiredUsage(hash, usage);
            }
        } catch (RuntimeException e) {
            log.warn("could not read the final usage of a retired upstream key; reconciliation will flag the user");
        }
        deleteQuietly(hash);
    }

    void deleteQuietly(String hash) {
        try {
            upstream.delete(hash);
        } catch (RuntimeException e) {
            log.warn("could not delete an unused upstream key");
        }
    }
}
