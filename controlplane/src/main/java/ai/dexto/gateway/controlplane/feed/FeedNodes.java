package ai.dexto.gateway.controlplane.feed;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway nodes reading the feed: each snapshot or changes request marks its node as seen.
 * {@link #active} counts the nodes seen within the window (TEAM contract 10: the nodes sharing each
 * user's rate limit). Held in memory: it describes the nodes polling this control plane.
 */
public final class FeedNodes {
    public static final Duration WINDOW = Duration.ofSeconds(60);

    private final Clock clock;
    private final ConcurrentHashMap<String, Long> lastSeenMillis = new ConcurrentHashMap<>();

    public FeedNodes(Clock clock) {
        this.clock = clock;
    }

    public void seen(String node) {
        lastSeenMillis.put(node, clock.millis());
    }

    /** Nodes seen within {@link #WINDOW}; forgets older ones. */
    public int active() {
        long oldest = clock.millis() - WINDOW.toMillis();
        lastSeenMillis.values().removeIf(t -> t < oldest);
        return lastSeenMillis.size();
    }
}
