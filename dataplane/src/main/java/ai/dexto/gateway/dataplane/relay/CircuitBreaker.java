package ai.dexto.gateway.dataplane.relay;

/**
 * The breaker of one route (see {@link CircuitBreakers}). Its state is small and changes rarely, so
 * it is guarded by the object's monitor; {@link #allowRequest} takes the lock only while open.
 */
public final class CircuitBreaker {
    private final int threshold;
    private final int minUsers;
    private final long openNanos;
    /** The users of the current run of consecutive failures, oldest first (at most {@code threshold}). */
    private final String[] recentUsers;
    private int failures;
    private volatile long openedAt = Long.MIN_VALUE;
    private long probeAt = Long.MIN_VALUE;

    CircuitBreaker(int threshold, int minUsers, long openNanos) {
        this.threshold = threshold;
        this.minUsers = Math.max(1, minUsers);
        this.openNanos = openNanos;
        this.recentUsers = new String[threshold];
    }

    public boolean allowRequest(long now) {
        if (openedAt == Long.MIN_VALUE) {
            return true;
        }
        synchronized (this) {
            if (openedAt == Long.MIN_VALUE) {
                return true;
            }
            if (now - openedAt < openNanos) {
                return false;
            }
            if (probeAt == Long.MIN_VALUE || now - probeAt > openNanos) {
                probeAt = now;
                return true;
            }
            return false;
        }
    }

    public synchronized void onSuccess() {
        failures = 0;
        openedAt = Long.MIN_VALUE;
        probeAt = Long.MIN_VALUE;
    }

    /** An upstream failure seen by {@code userId}'s request. */
    public synchronized void onFailure(String userId, long now) {
        if (openedAt != Long.MIN_VALUE) {
            if (probeAt != Long.MIN_VALUE) {
                openedAt = now; // the probe failed: open again
                probeAt = Long.MIN_VALUE;
            }
            return;
        }
        recentUsers[failures % threshold] = userId;
        failures++;
        if (failures >= threshold && distinctUsers() >= minUsers) {
            openedAt = now;
        }
    }

    private int distinctUsers() {
        int n = Math.min(failures, threshold);
        int distinct = 0;
        outer:
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (recentUsers[j].equals(recentUsers[i])) {
                    continue outer;
                }
            }
            distinct++;
        }
        return distinct;
    }

    public boolean isOpen() {
        return openedAt != Long.MIN_VALUE;
    }
}
