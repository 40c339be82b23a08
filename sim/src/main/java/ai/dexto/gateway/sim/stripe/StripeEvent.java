package ai.dexto.gateway.sim.stripe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One event as Stripe would send it. The payload is rendered once when the event happens, so every
 * delivery (and redelivery) carries the same bytes, with the session as it was at that moment.
 */
final class StripeEvent {
    final String id;
    final String type;
    final long created;
    final String sessionId;
    final byte[] payload;
    private final List<Map<String, Object>> attempts = new ArrayList<>();
    private final CompletableFuture<Void> delivered = new CompletableFuture<>();

    StripeEvent(String id, String type, long created, String sessionId, byte[] payload) {
        this.id = id;
        this.type = type;
        this.created = created;
        this.sessionId = sessionId;
        this.payload = payload;
    }

    synchronized void recordAttempt(long at, Integer status, String error, long millis) {
        Map<String, Object> attempt = new LinkedHashMap<>();
        attempt.put("at", at);
        attempt.put("status", status);
        attempt.put("error", error);
        attempt.put("duration_ms", millis);
        attempts.add(attempt);
        if (status != null && status / 100 == 2) {
            delivered.complete(null);
        }
    }

    /** Completes once an attempt has been recorded as answered 2xx. */
    CompletableFuture<Void> delivered() {
        return delivered;
    }

    synchronized List<Map<String, Object>> attempts() {
        return new ArrayList<>(attempts);
    }
}
