package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageStatus;
import ai.dexto.gateway.dataplane.credit.CreditPolicy;
import ai.dexto.gateway.dataplane.credit.Settler;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The bookkeeping of one exchange: its usage record (filled as the answer is read), the journal's
 * in-flight record once a stream's generation id is known, the cost lookup when the answer named no
 * cost, the settlement, and the exchange's timings — including the gateway's own time on every event
 * of the answer, which is what {@code dexto_gateway_overhead_seconds} reports.
 */
final class ExchangeLedger {
    private final ChatCall call;
    private final Settler settler;
    private final GenerationLookup generations;
    private final CreditPolicy credit;
    private final GatewayMetrics metrics;
    private final UsageScanner scanner;
    private final EventLoop loop;
    private final long inFlightAfterNanos;
    private final UsageEvent draft = new UsageEvent();
    private long ownNanos;
    private long sentNanos;
    private long firstByteNanos;
    private long upstreamDoneNanos;
    private GenerationLookup.Record lookedUp = GenerationLookup.Record.UNKNOWN;
    private boolean askedUpstream;
    private boolean stream;
    private boolean inFlightJournaled;
    private boolean inFlightDue;
    private boolean settled;
    private ScheduledFuture<?> inFlightTimer;

    ExchangeLedger(ChatCall call, Settler settler, GenerationLookup generations, CreditPolicy credit,
                   GatewayMetrics metrics, UsageScanner scanner, EventLoop loop, long inFlightAfterNanos) {
        this.call = call;
        this.settler = settler;
        this.generations = generations;
        this.credit = credit;
        this.metrics = metrics;
        this.scanner = scanner;
        this.loop = loop;
        this.inFlightAfterNanos = inFlightAfterNanos;
        UsageEvent e = draft;
        e.requestIdHigh = call.idHigh();
        e.requestIdLow = call.idLow();
        e.userId = call.account().userId();
        e.keyId = call.keyId();
        e.model = call.model().id();
        e.streamed = call.stream();
        e.reservedNanos = call.reservedNanos();
        CharSequence session = call.sessionId();
        if (session != null) {
            e.sessionId.append(session, 0, Math.min(session.length(), 128));
        }
        e.receivedAtMicros = System.currentTimeMillis() * 1000 - (System.nanoTime() - call.receivedNanos()) / 1000;
    }

    /** The request was handed to the upstream: the gateway's time before it counts as its own. */
    void ownUntil(long now) {
        if (sentNanos == 0) {
            ownNanos += now - call.readyNanos();
        }
        sentNanos = now;
    }

    void own(long since) {
        ownNanos += System.nanoTime() - since;
    }

    void firstByte(boolean readable) {
        if (firstByteNanos == 0 && readable) {
            firstByteNanos = System.nanoTime();
            metrics.timeToFirstByte(firstByteNanos - call.receivedNanos());
        }
    }

    boolean sawFirstByte() {
        return firstByteNanos != 0;
    }

    /**
     * A stream started. If it is still running after {@code inFlightAfterNanos}, its in-flight record is
     * journaled (as soon as its generation id is known), so that even a killed node's stream gets billed;
     * the many streams shorter than that end first and cost the journal and the drain nothing extra.
     */
    void streamStarted() {
        stream = true;
        metrics.streamStarted();
        if (inFlightAfterNanos <= 0) {
            inFlightDue = true;
            journalInFlight();
        } else {
            inFlightTimer = loop.schedule(() -> {
                inFlightDue = true;
                journalInFlight();
            }, inFlightAfterNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A stream's generation id may first appear in its first event (an upstream without the header). */
    void streamProgress() {
        if (inFlightDue && !inFlightJournaled) {
            journalInFlight();
        }
    }

    private void journalInFlight() {
        if (inFlightJournaled || settled || scanner.generationId.length() == 0) {
            return;
        }
        inFlightJournaled = true;
        draft.generationId.setLength(0);
        draft.generationId.append(scanner.generationId);
        settler.inFlight(draft);
    }

    void upstreamDone() {
        upstreamDoneNanos = System.nanoTime();
    }

    /**
     * Runs {@code then} on the loop once the cost is as known as it will be: at once when the answer
     * carried it (or there is no generation to ask about), else after looking the generation up.
     */
    void resolveCost(long[] schedule, Runnable then) {
        String key = call.account().upstreamKey();
        if (scanner.usageSeen() || askedUpstream || scanner.generationId.length() == 0 || key == null) {
            then.run();
            return;
        }
        askedUpstream = true;
        generations.cost(scanner.generationId.toString(), key, schedule)
                .whenComplete((found, error) -> loop.execute(() -> {
                    if (error == null && found != null && found.costNanos() >= 0) {
                        lookedUp = found;
                    }
                    then.run();
                }));
    }

    /** Settles and journals the final record; the user's spendable balance after it. */
    long settle(UsageStatus as, int httpStatus) {
        settled = true;
        if (inFlightTimer != null) {
            inFlightTimer.cancel(false);
            inFlightTimer = null;
        }
        Charge.fill(draft, scanner, lookedUp, call.model(), call.reservedNanos(), credit);
        draft.status = as;
        draft.httpStatus = httpStatus;
        long now = System.nanoTime();
        draft.firstByteAtMicros = firstByteNanos == 0 ? 0 : draft.receivedAtMicros + (firstByteNanos - call.receivedNanos()) / 1000;
        draft.completedAtMicros = draft.receivedAtMicros + (now - call.receivedNanos()) / 1000;
        if (stream) {
            metrics.streamEnded();
        }
        long spendable = settler.settle(call.account(), call.reservedNanos(), draft, inFlightJournaled);
        if (sentNanos != 0) {
            metrics.upstream((upstreamDoneNanos != 0 ? upstreamDoneNanos : now) - sentNanos);
            metrics.overhead(ownNanos);
        }
        metrics.charged(draft.billedCostNanos, draft.promptTokens, draft.completionTokens);
        call.bill().billed(draft.billedCostNanos);
        scanner.release();
        call.body().release();
        return spendable;
    }

    long billedNanos() {
        return draft.billedCostNanos;
    }

    /** The cost for the {@code X-Dexto-Cost-USD} header. */
    String costHeader() {
        return draft.costPending ? "pending" : Money.format(draft.billedCostNanos);
    }

    /** A stream's closing comment lines: the cost and the balance after the request. */
    String costComment(long spendableAfter) {
        return ": x-dexto-cost-usd=" + costHeader() + "\n: x-dexto-credits-remaining="
                + Money.format(Math.max(0, spendableAfter)) + "\n\n";
    }
}
