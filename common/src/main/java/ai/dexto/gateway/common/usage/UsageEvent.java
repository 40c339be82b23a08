package ai.dexto.gateway.common.usage;

/**
 * One request's usage, as the data plane journals it and the control plane bills it. Mutable on
 * purpose: it is a preallocated Disruptor slot on the data plane and a reused read buffer on the
 * control plane, so neither side allocates per event. Strings that come from caches (user id, model,
 * node id) are referenced; per-request text (generation id, session id) is copied into builders.
 *
 * <p>Costs are nano-USD (see {@code Money}); times are epoch microseconds.
 */
public final class UsageEvent {
    public long requestIdHigh;
    public long requestIdLow;
    /** The data plane node that served the request; one journal per node. */
    public String nodeId;
    /** Strictly increasing per node: the feed reports, per user, the last sequence the control plane applied. */
    public long nodeSequence;
    public String userId;
    public long keyId;
    public String model;
    public final StringBuilder generationId = new StringBuilder(64);
    public long promptTokens;
    public long completionTokens;
    public long cachedTokens;
    public long reasoningTokens;
    /** What the user pays: upstream cost plus markup. */
    public long billedCostNanos;
    /** What the upstream charged us. */
    public long upstreamCostNanos;
    public UsageStatus status = UsageStatus.COMPLETED;
    public boolean streamed;
    public int httpStatus;
    /** From the client's {@code X-Dexto-Session-ID} header; empty when absent. */
    public final StringBuilder sessionId = new StringBuilder(64);
    public long receivedAtMicros;
    public long firstByteAtMicros;
    public long completedAtMicros;
    /**
     * Schema v3: the upstream's charge was not known when the request ended. The costs then hold a
     * provisional amount (the reservation) and {@code generationId} is non-empty; the control plane's
     * reconciler settles the row to the upstream's record of that generation later, exactly once.
     */
    public boolean costPending;
    /** Schema v3: what was reserved for the request, so {@code max(0, billed - reserved)} is an overrun. */
    public long reservedNanos;

    public void clear() {
        requestIdHigh = 0;
        requestIdLow = 0;
        nodeId = null;
        nodeSequence = 0;
        userId = null;
        keyId = 0;
        model = null;
        generationId.setLength(0);
        promptTokens = 0;
        completionTokens = 0;
        cachedTokens = 0;
        reasoningTokens = 0;
        billedCostNanos = 0;
        upstreamCostNanos = 0;
        status = UsageStatus.COMPLETED;
        streamed = false;
        httpStatus = 0;
        sessionId.setLength(0);
        receivedAtMicros = 0;
        firstByteAtMicros = 0;
        completedAtMicros = 0;
        costPending = false;
        reservedNanos = 0;
    }

    public void copyFrom(UsageEvent o) {
        requestIdHigh = o.requestIdHigh;
        requestIdLow = o.requestIdLow;
        nodeId = o.nodeId;
        nodeSequence = o.nodeSequence;
        userId = o.userId;
        keyId = o.keyId;
        model = o.model;
        generationId.setLength(0);
        generationId.append(o.generationId);
        promptTokens = o.promptTokens;
        completionTokens = o.completionTokens;
        cachedTokens = o.cachedTokens;
        reasoningTokens = o.reasoningTokens;
        billedCostNanos = o.billedCostNanos;
        upstreamCostNanos = o.upstreamCostNanos;
        status = o.status;
        streamed = o.streamed;
        httpStatus = o.httpStatus;
        sessionId.setLength(0);
        sessionId.append(o.sessionId);
        receivedAtMicros = o.receivedAtMicros;
        firstByteAtMicros = o.firstByteAtMicros;
        completedAtMicros = o.completedAtMicros;
        costPending = o.costPending;
        reservedNanos = o.reservedNanos;
    }

    public String requestId() {
        return RequestIds.format(requestIdHigh, requestIdLow);
    }

    @Override
    public String toString() {
        // No secrets live in an event; still, keep it short for logs.
        return "UsageEvent{" + requestId() + " node=" + nodeId + "#" + nodeSequence + " user=" + userId
                + " model=" + model + " status=" + status + " billed=" + billedCostNanos + "n"
                + (costPending ? " pending" : "") + "}";
    }
}
