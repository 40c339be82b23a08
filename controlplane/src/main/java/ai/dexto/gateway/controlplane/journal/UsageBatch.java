package ai.dexto.gateway.controlplane.journal;

import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageStatus;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A batch of journaled usage events held column by column, the shape the drain's {@code unnest}
 * statements take. Reused across batches by one drainer thread. A request id appears at most once
 * (one statement may not touch a row twice): a stream's final record that follows its in-flight record
 * in the same batch takes the in-flight record's slot, and a replay of a record already in the batch
 * is dropped — the database would have ignored it anyway.
 */
final class UsageBatch {
    static final String FINAL = "final";
    static final String PENDING = "pending";

    int size;
    String[] requestIds;
    String[] userIds;
    Long[] keyIds;
    String[] nodeIds;
    Long[] nodeSequences;
    String[] models;
    String[] generationIds;
    Long[] promptTokens;
    Long[] completionTokens;
    Long[] cachedTokens;
    Long[] reasoningTokens;
    Long[] billedCosts;
    Long[] upstreamCosts;
    String[] statuses;
    Boolean[] streamed;
    Integer[] httpStatuses;
    String[] sessionIds;
    Long[] receivedAt;
    Long[] firstByteAt;
    Long[] completedAt;
    String[] costStatuses;
    Long[] reservedNanos;
    /** The journal index of the last event added (the drain position once committed). */
    long lastIndex = -1;
    /** Who the document at {@link #lastIndex} is (the journal's identity check on restart). */
    long lastNodeSequence;
    String lastRequestId;
    /** Every request id of the batch and its slot. */
    private final Map<String, Integer> slots = new HashMap<>();

    UsageBatch(int capacity) {
        allocate(capacity);
    }

    private void allocate(int n) {
        requestIds = new String[n];
        userIds = new String[n];
        keyIds = new Long[n];
        nodeIds = new String[n];
        nodeSequences = new Long[n];
        models = new String[n];
        generationIds = new String[n];
        promptTokens = new Long[n];
        completionTokens = new Long[n];
        cachedTokens = new Long[n];
        reasoningTokens = new Long[n];
        billedCosts = new Long[n];
        upstreamCosts = new Long[n];
        statuses = new String[n];
        streamed = new Boolean[n];
        httpStatuses = new Integer[n];
        sessionIds = new String[n];
        receivedAt = new Long[n];
        firstByteAt = new Long[n];
        completedAt = new Long[n];
        costStatuses = new String[n];
        reservedNanos = new Long[n];
    }

    void add(UsageEvent e, long index) {
        String requestId = e.requestId();
        lastNodeSequence = e.nodeSequence;
        lastRequestId = requestId;
        Integer held = slots.get(requestId);
        if (held != null && (e.status == UsageStatus.IN_FLIGHT
                || !UsageStatus.IN_FLIGHT.wireName().equals(statuses[held]))) {
            lastIndex = index; // a replay within the batch: nothing to store, but the position moves on
            return;
        }
        int i = held != null ? held : size++;
        slots.put(requestId, i);
        requestIds[i] = requestId;
        userIds[i] = e.userId;
        keyIds[i] = e.keyId;
        nodeIds[i] = e.nodeId;
        nodeSequences[i] = e.nodeSequence;
        models[i] = e.model == null ? "" : e.model;
        generationIds[i] = e.generationId.length() == 0 ? null : e.generationId.toString();
        promptTokens[i] = e.promptTokens;
        completionTokens[i] = e.completionTokens;
        cachedTokens[i] = e.cachedTokens;
        reasoningTokens[i] = e.reasoningTokens;
        billedCosts[i] = e.billedCostNanos;
        upstreamCosts[i] = e.upstreamCostNanos;
        statuses[i] = e.status.wireName();
        streamed[i] = e.streamed;
        httpStatuses[i] = e.httpStatus;
        sessionIds[i] = e.sessionId.length() == 0 ? null : e.sessionId.toString();
        receivedAt[i] = e.receivedAtMicros;
        firstByteAt[i] = e.firstByteAtMicros;
        completedAt[i] = e.completedAtMicros;
        // pending needs a generation to settle from (schema v3 contract); without one the provisional
        // amount (the reservation, never below the charge) is all anyone will know: it stays final
        costStatuses[i] = e.costPending && e.generationId.length() > 0 ? PENDING : FINAL;
        reservedNanos[i] = e.reservedNanos;
        lastIndex = index;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        for (Object[] column : new Object[][] {requestIds, userIds, nodeIds, models, generationIds, sessionIds, costStatuses}) {
            Arrays.fill(column, 0, size, null);
        }
        size = 0;
        lastIndex = -1;
        lastNodeSequence = 0;
        lastRequestId = null;
        slots.clear();
    }

    <T> T[] head(T[] column) {
        return Arrays.copyOf(column, size);
    }
}
