package ai.dexto.gateway.dataplane.credit;

import ai.dexto.gateway.common.logging.LogFields;
import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageStatus;
import ai.dexto.gateway.dataplane.account.UserAccount;
import ai.dexto.gateway.dataplane.journal.UsageJournal;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a finished request into money and a journal record, the Disruptor way: claim a slot (from
 * room admitted before the request was served, so this cannot fail), settle the account under the
 * slot's {@code nodeSequence} (release the reservation, count the charge as this node's unapplied
 * spend), fill the slot, publish. The account is settled before the event is visible, so the control
 * plane can never apply a sequence this node has not counted yet.
 *
 * <p>A charge above the reservation (an upstream that billed more than the request could cost at
 * worst) is still debited in full — the bill is what the upstream charged — and counted as an
 * overrun; a balance it takes below zero refuses the user's next requests until a top-up.
 */
public final class Settler {
    private static final Logger LOG = LoggerFactory.getLogger(Settler.class);
    /** Journal slots a request is admitted with: the in-flight record (streams) and the final one. */
    public static final int SLOTS_PER_REQUEST = 2;

    private final UsageJournal journal;
    private final GatewayMetrics metrics;

    public Settler(UsageJournal journal, GatewayMetrics metrics) {
        this.journal = journal;
        this.metrics = metrics;
    }

    /** Admits a request: room for its journal records. False while the journal cannot write. */
    public boolean admit() {
        return journal.admit(SLOTS_PER_REQUEST);
    }

    /** Gives the room back for a request that was admitted but never reached the upstream. */
    public void unadmit() {
        journal.unadmit(SLOTS_PER_REQUEST);
    }

    /**
     * Journals that the upstream accepted the request under {@code draft}'s generation id: if this
     * node dies before the final record, the control plane settles the generation from the upstream's
     * own record. Bills nothing.
     */
    public void inFlight(UsageEvent draft) {
        long seq = journal.claim();
        UsageEvent slot = journal.slot(seq);
        slot.copyFrom(draft);
        slot.status = UsageStatus.IN_FLIGHT;
        slot.billedCostNanos = 0;
        slot.upstreamCostNanos = 0;
        slot.costPending = true;
        journal.publish(seq);
    }

    /**
     * Settles the request and journals its final record; {@code usedInFlight} says whether
     * {@link #inFlight} used the other admitted slot.
     *
     * @return the user's spendable balance after the request
     */
    public long settle(UserAccount account, long reservedNanos, UsageEvent draft, boolean usedInFlight) {
        if (!usedInFlight) {
            journal.unadmit(1);
        }
        long billed = draft.billedCostNanos;
        long seq = journal.claim();
        account.settle(reservedNanos, billed, journal.nodeSequence(seq));
        UsageEvent slot = journal.slot(seq);
        slot.copyFrom(draft);
        slot.reservedNanos = reservedNanos;
        journal.publish(seq);
        if (billed > reservedNanos) {
            long over = billed - reservedNanos;
            metrics.overrun(over);
            LOG.atWarn().setMessage("upstream charged more than reserved")
                    .addKeyValue(LogFields.REQUEST_ID, draft.requestId()).addKeyValue(LogFields.USER, account.logId())
                    .addKeyValue("billed_usd", Money.format(billed))
                    .addKeyValue("reserved_usd", Money.format(reservedNanos)).log();
        }
        return account.spendable();
    }
}
