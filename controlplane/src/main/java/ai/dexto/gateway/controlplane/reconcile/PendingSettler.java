package ai.dexto.gateway.controlplane.reconcile;

import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.controlplane.daos.ReconcileDao;
import ai.dexto.gateway.controlplane.daos.UpstreamKeyDao;
import ai.dexto.gateway.controlplane.db.Transactions;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles pending usage rows (schema v3 {@code costPending}) to what the upstream says the generation
 * cost: asks {@code GET /generation?id=} with the user's upstream key; when it answers, one
 * transaction sets the row's exact cost and moves the balance by the difference (exactly once, see
 * {@link ReconcileDao#settle}), and the feed carries the new balance to the gateways. When it does not
 * know the generation yet, or cannot be reached, the row is retried with exponential backoff (1 s up to
 * 10 min), for as long as it takes: a row is never settled at zero or at a guess.
 */
final class PendingSettler {
    private static final Logger log = LoggerFactory.getLogger(PendingSettler.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofMinutes(10);

    private final ReconcileDao dao;
    private final UpstreamKeyDao upstreamKeys;
    private final UpstreamKeyCipher cipher;
    private final GenerationRecords generations;
    private final Transactions tx;
    private final int markupBasisPoints;
    private final Duration inFlightAfter;
    private final Clock clock;

    PendingSettler(ReconcileDao dao, UpstreamKeyDao upstreamKeys, UpstreamKeyCipher cipher,
                   GenerationRecords generations, Transactions tx, int markupBasisPoints, Duration inFlightAfter,
                   Clock clock) {
        this.dao = dao;
        this.upstreamKeys = upstreamKeys;
        this.cipher = cipher;
        this.generations = generations;
        this.tx = tx;
        this.markupBasisPoints = markupBasisPoints;
        this.inFlightAfter = inFlightAfter;
        this.clock = clock;
    }

    /** One pass over the due rows; @return how many settled */
    int settleDue(int limit) throws InterruptedException {
        int settled = 0;
        for (ReconcileDao.Pending p : dao.duePending(limit, inFlightAfter)) {
            if (settleOne(p)) {
                settled++;
            }
        }
        return settled;
    }

    private boolean settleOne(ReconcileDao.Pending p) throws InterruptedException {
        GenerationRecords.Charge charge = null;
        try {
            UpstreamKeyDao.UpstreamKey key = upstreamKeys.find(p.userId());
            if (key != null) {
                charge = generations.find(p.generationId(), cipher.open(p.userId(), key.ciphertext()));
            }
        } catch (IOException | RuntimeException e) {
            log.warn("generation lookup for a pending usage row failed: {}", e.getClass().getSimpleName());
        }
        if (charge == null) {
            dao.postpone(p.requestId(), clock.instant().plus(backoff(p.attempts())));
            return false;
        }
        GenerationRecords.Charge exact = charge;
        long billed = Money.withMarkup(exact.upstreamNanos(), markupBasisPoints);
        return tx.inTransaction(t -> dao.settle(t, p.requestId(), p.userId(), billed, exact.upstreamNanos(),
                exact.promptTokens(), exact.completionTokens()));
    }

    static Duration backoff(int attempts) {
        long seconds = FIRST_RETRY.getSeconds() << Math.min(attempts, 20);
        return seconds >= MAX_RETRY.getSeconds() ? MAX_RETRY : Duration.ofSeconds(seconds);
    }
}
