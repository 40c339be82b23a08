package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.common.usage.UsageStatus;
import ai.dexto.gateway.dataplane.http.GatewayError;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;

/**
 * What every chat exchange holds, and how one ends: finished for a client that is still there (its
 * last bytes after the cost), ended without one (settled once the generation's record is known),
 * or failed at once. Whatever the path, it settles exactly once, on entering {@link ExchangeState#DONE}.
 * {@link ChatExchange} adds the events that lead there.
 */
abstract class ExchangeCore {
    final ChatCall call;
    final ClientAnswer answer;
    final UsageScanner scanner;
    final ExchangeLedger ledger;
    final UpstreamLeg upstream;
    final RelayTimeouts timeouts;
    final ExchangeRegistry registry;
    final GatewayMetrics metrics;
    final ExchangeDeadlines deadlines;
    ExchangeState state = ExchangeState.CONNECTING;
    /** How it ends unless something else ends it first. */
    UsageStatus endedAs = UsageStatus.COMPLETED;
    /** The upstream's Retry-After, passed on with a rate-limit error. */
    String retryAfter;
    /** The client's stream, once the upstream's head says 200 streamed. */
    StreamRelay relay;
    /** The answer being gathered (a non-streamed completion, or an error's body). */
    WholeAnswer whole;

    ExchangeCore(ChatCall call, ClientAnswer answer, UsageScanner scanner, ExchangeLedger ledger, UpstreamLeg upstream,
                 RelayTimeouts timeouts, ExchangeRegistry registry, GatewayMetrics metrics) {
        this.call = call;
        this.answer = answer;
        this.scanner = scanner;
        this.ledger = ledger;
        this.upstream = upstream;
        this.timeouts = timeouts;
        this.registry = registry;
        this.metrics = metrics;
        this.deadlines = new ExchangeDeadlines(answer.eventLoop(), this::checkTime);
    }

    /** A deadline may be due (the timer fired). */
    abstract void checkTime();

    /** The gateway is stopping and the grace period is over. */
    abstract void cut();

    /** The client is still here: its last bytes wait for the cost (looked up briefly if the answer had none). */
    final void finishWhenCostKnown() {
        state = ExchangeState.FINISHING;
        ledger.resolveCost(GenerationLookup.QUICK, this::finishForClient);
    }

    final void finishForClient() {
        if (state != ExchangeState.FINISHING) {
            return;
        }
        WholeAnswer w = whole;
        whole = null; // the client's now: settling must not release it
        long spendable = settle(endedAs);
        if (relay != null) {
            answer.endStream(relay, ledger.costComment(spendable));
        } else {
            answer.whole(w, ledger, spendable);
        }
    }

    /** Nothing more goes to the client: settle as {@code as} once the generation's record is known (or pending). */
    final void endWith(UsageStatus as) {
        if (!state.ended()) {
            endedAs = as; // the first cause stands (a failed write may have ended it already)
        }
        settleLater();
    }

    final void settleLater() {
        if (state.ended()) {
            return; // already settled or settling: a re-entrant close must not start a second settlement
        }
        state = ExchangeState.SETTLING;
        deadlines.cancel();
        upstream.close();
        releaseWhole();
        if (relay != null) {
            relay.release();
        }
        ledger.resolveCost(registry.stopping() ? GenerationLookup.QUICK : GenerationLookup.PATIENT,
                () -> settle(endedAs));
    }

    final void finishWithError(GatewayError e, String detail, UsageStatus as) {
        upstream.close();
        endedAs = as;
        long spendable = settle(as);
        answer.error(e, detail, e == GatewayError.UPSTREAM_RATE_LIMITED ? retryAfter : null, spendable);
    }

    /** Settles exactly once; the spendable balance after it. */
    final long settle(UsageStatus as) {
        if (state == ExchangeState.DONE) {
            return call.account().spendable();
        }
        state = ExchangeState.DONE;
        deadlines.cancel();
        upstream.close();
        releaseWhole();
        registry.remove(this);
        return ledger.settle(as, answer.statusForJournal());
    }

    final void orphan(UsageStatus as, long forNanos) {
        endedAs = as;
        state = ExchangeState.ORPHANED;
        deadlines.orphanFor(forNanos);
    }

    final void readUpstream() {
        if (!upstream.connected() || !state.readsUpstream()) {
            return;
        }
        if (state == ExchangeState.STREAMING && !answer.writable()) {
            return; // clientWritabilityChanged asks again
        }
        if (upstream.read()) {
            deadlines.activity();
        }
    }

    final void upstreamEnded() {
        ledger.upstreamDone();
        deadlines.cancel();
        upstream.ended();
    }

    final void releaseWhole() {
        if (whole != null) {
            whole.release();
            whole = null;
        }
    }

    final ExchangeState state() {
        return state;
    }

    public final String requestId() {
        return call.requestId();
    }
}
