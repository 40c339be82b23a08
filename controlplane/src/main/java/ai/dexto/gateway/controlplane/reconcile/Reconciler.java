package ai.dexto.gateway.controlplane.reconcile;

import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.controlplane.config.ReconcileSettings;
import ai.dexto.gateway.controlplane.daos.ReconcileDao;
import ai.dexto.gateway.controlplane.daos.UpstreamKeyDao;
import ai.dexto.gateway.controlplane.db.Transactions;
import ai.dexto.gateway.controlplane.provisioning.UpstreamKeysClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's reconciler: settles pending costs ({@link PendingSettler}) and compares users'
 * ledgers with the upstream ({@link DriftCheck}), on one background thread.
 *
 * <p>Cost: settling is one upstream call per pending row (they are rare: aborts whose cost the gateway
 * could not learn in time) with backoff. The drift sweep is one provisioning call per user checked:
 * {@code driftBatch} users every {@code driftIntervalMillis} (default 50 per 10 s = 5 calls/s), taking
 * first users never checked, then users whose balance moved since their last check (recent usage), then
 * the longest unchecked. At a million users a full sweep of idle users takes ~2.3 days while active
 * users are rechecked within seconds of their usage; raise the batch where the upstream allows more.
 * Any number of instances may run it: settlement is exactly once per row whatever the concurrency.
 */
public final class Reconciler implements Managed {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final ReconcileSettings settings;
    private final PendingSettler settler;
    private final DriftCheck drift;
    private final ReconcileDao dao;
    private volatile ReconcileDao.Summary summary;
    private ScheduledExecutorService thread;

    public Reconciler(ReconcileSettings settings, ReconcileDao dao, UpstreamKeyDao upstreamKeys,
                      UpstreamKeysClient upstream, UpstreamKeyCipher cipher, Transactions tx, String upstreamUrl,
                      ObjectMapper json, Clock clock) {
        this.settings = settings;
        this.dao = dao;
        GenerationRecords generations = new GenerationRecords(upstreamUrl,
                Duration.ofMillis(settings.upstreamTimeoutMillis), json);
        this.settler = new PendingSettler(dao, upstreamKeys, cipher, generations, tx, settings.markupBasisPoints(),
                Duration.ofMillis(settings.inFlightAfterMillis), clock);
        this.drift = new DriftCheck(dao, upstreamKeys, upstream);
    }

    @Override
    public synchronized void start() {
        if (!settings.enabled) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reconciler");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::settleQuietly, settings.pendingIntervalMillis,
                settings.pendingIntervalMillis, TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(this::sweepQuietly, settings.driftIntervalMillis,
                settings.driftIntervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() throws InterruptedException {
        if (thread != null) {
            thread.shutdownNow();
            thread.awaitTermination(10, TimeUnit.SECONDS);
            thread = null;
        }
    }

    /** Settles every due pending row now (tests, and the timer). @return how many settled */
    public int settleDue() throws InterruptedException {
        int total = 0;
        int n;
        do {
            n = settler.settleDue(settings.pendingBatch);
            total += n;
        } while (n == settings.pendingBatch);
        return total;
    }

    /** Checks the next batch of users now. @return how many were checked */
    public int sweep() {
        int checked = 0;
        for (String userId : dao.nextToCheck(settings.driftBatch)) {
            try {
                if (drift.check(userId) != null) {
                    checked++;
                }
            } catch (RuntimeException e) {
                log.warn("reconciliation of one user failed: {}", e.getMessage());
            }
        }
        summary = dao.summary();
        return checked;
    }

    /** Checks one user now (admin and tests). */
    public ReconcileDao.Drift check(String userId) {
        ReconcileDao.Drift d = drift.check(userId);
        summary = dao.summary();
        return d;
    }

    public java.util.List<ReconcileDao.Drift> drifting(int limit) {
        return dao.drifting(limit);
    }

    /** The totals as of the last sweep (read fresh when none ran yet). */
    public ReconcileDao.Summary summary() {
        ReconcileDao.Summary s = summary;
        return s != null ? s : refresh();
    }

    public ReconcileDao.Summary refresh() {
        summary = dao.summary();
        return summary;
    }

    private void settleQuietly() {
        try {
            settleDue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("settling pending usage failed; retrying on the next tick", e);
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("reconciliation sweep failed; retrying on the next tick", e);
        }
    }
}
