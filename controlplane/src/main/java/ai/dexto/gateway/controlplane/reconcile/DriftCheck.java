package ai.dexto.gateway.controlplane.reconcile;

import ai.dexto.gateway.controlplane.daos.ReconcileDao;
import ai.dexto.gateway.controlplane.daos.UpstreamKeyDao;
import ai.dexto.gateway.controlplane.provisioning.UpstreamKeysClient;

/**
 * Compares one user's ledger with the upstream's record of what their keys spent: Σ the final rows'
 * {@code upstream_cost_nanos} against the current key's {@code usage} ({@code GET /keys/{hash}}) plus
 * the usage recorded for every key they had before ({@code upstream_key_history}). Pending rows are
 * left out of the ledger side and their users not judged until they settle.
 *
 * <p>A request in flight (charged upstream, not yet drained) looks like drift for a moment, so a drift
 * is <em>confirmed</em> only when the previous check saw the same drift on the same ledger. Digits past
 * the nano round up per request on our side, so a ledger above the upstream by less than one nano per
 * row is rounding, not drift.
 */
final class DriftCheck {
    private final ReconcileDao dao;
    private final UpstreamKeyDao upstreamKeys;
    private final UpstreamKeysClient upstream;

    DriftCheck(ReconcileDao dao, UpstreamKeyDao upstreamKeys, UpstreamKeysClient upstream) {
        this.dao = dao;
        this.upstreamKeys = upstreamKeys;
        this.upstream = upstream;
    }

    ReconcileDao.Drift check(String userId) {
        UpstreamKeyDao.UpstreamKey current = upstreamKeys.find(userId);
        if (current == null) {
            return null;
        }
        Long upstreamNanos = upstream.usageNanos(current.upstreamHash());
        for (UpstreamKeyDao.RetiredKey retired : upstreamKeys.retired(userId)) {
            upstreamNanos = upstreamNanos == null || retired.usageNanos() == null ? null
                    : Math.addExact(upstreamNanos, retired.usageNanos());
        }
        ReconcileDao.Ledger ledger = dao.ledger(userId);
        long drift = 0;
        if (upstreamNanos != null && ledger.pendingRows() == 0) {
            drift = ledger.upstreamNanos() - upstreamNanos;
            if (drift >= 0 && drift < ledger.rows()) {
                drift = 0; // per-request rounding up of sub-nano digits
            }
        }
        ReconcileDao.Drift previous = dao.drift(userId);
        boolean confirmed = drift != 0 && previous != null && previous.driftNanos() == drift
                && previous.ledgerRows() == ledger.rows();
        ReconcileDao.Drift d = new ReconcileDao.Drift(userId, ledger.upstreamNanos(), upstreamNanos, drift,
                ledger.rows(), ledger.pendingRows(), confirmed, null);
        dao.record(d);
        return d;
    }
}
