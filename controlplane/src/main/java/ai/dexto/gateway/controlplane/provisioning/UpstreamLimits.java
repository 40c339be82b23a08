package ai.dexto.gateway.controlplane.provisioning;

import ai.dexto.gateway.controlplane.daos.UpstreamKeyDao;
import ai.dexto.gateway.controlplane.daos.UserDao;
import ai.dexto.gateway.controlplane.db.Transactions;
import io.dropwizard.lifecycle.Managed;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each upstream key's limit at or above the user's lifetime credits, so a request the user has
 * paid for is never refused upstream for a spent key limit. Raised right after a credit commits, and
 * re-checked on a timer in case that call failed.
 */
public final class UpstreamLimits implements Managed {
    private static final Logger log = LoggerFactory.getLogger(UpstreamLimits.class);

    private final Transactions tx;
    private final UserLocks locks;
    private final UserDao users;
    private final UpstreamKeyDao upstreamKeys;
    private final UpstreamKeysClient upstream;
    private final long minLimitNanos;
    private ScheduledExecutorService timer;

    public UpstreamLimits(Transactions tx, UserLocks locks, UserDao users, UpstreamKeyDao upstreamKeys,
                          UpstreamKeysClient upstream, long minLimitNanos) {
        this.tx = tx;
        this.locks = locks;
        this.users = users;
        this.upstreamKeys = upstreamKeys;
        this.upstream = upstream;
        this.minLimitNanos = minLimitNanos;
    }

    /** Best effort: a failure is logged and retried by the timer. */
    public void raiseIfNeeded(String userId) {
        try {
            locks.withUser(userId, c -> {
                UpstreamKeyDao.UpstreamKey key = upstreamKeys.find(c, userId);
                UserDao.UserRow user = users.find(userId);
                if (key == null || user == null) {
                    return null;
                }
                long wanted = Math.max(minLimitNanos, user.lifetimeCreditNanos());
                if (wanted > key.limitNanos()) {
                    upstream.setLimit(key.upstreamHash(), wanted);
                    tx.inTransaction(c, t -> {
                        upstreamKeys.recordLimit(t, userId, key.upstreamHash(), wanted);
                        return null;
                    });
                }
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("could not raise the upstream key limit of a user yet: {}", e.getMessage());
        }
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "upstream-limits");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                upstreamKeys.usersBelowCredits(100).forEach(this::raiseIfNeeded);
            } catch (RuntimeException e) {
                log.warn("upstream limit check failed: {}", e.getMessage());
            }
        }, 30, 30, TimeUnit.SECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        if (timer != null) {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
