package ai.dexto.gateway.dataplane.feed;

import ai.dexto.gateway.common.feed.FeedChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * List + watch on its own thread: a snapshot, then long-polled changes from its cursor; a new
 * snapshot when the control plane says the cursor is too old. On failure it backs off (100 ms
 * doubling to 5 s) and the gateway keeps serving the last state it applied.
 */
public final class FeedClient implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FeedClient.class);
    private static final int WAIT_SECONDS = 25;

    private final ControlPlaneClient client;
    private final FeedApplier applier;
    private final Thread thread;
    private volatile boolean running = true;

    public FeedClient(ControlPlaneClient client, FeedApplier applier) {
        this.client = client;
        this.applier = applier;
        this.thread = new Thread(this, "dexto-feed");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    @Override
    public void run() {
        long backoff = 100;
        boolean needSnapshot = true;
        while (running) {
            try {
                if (needSnapshot) {
                    applier.apply(client.snapshot());
                    needSnapshot = false;
                    LOG.info("feed snapshot applied, cursor {}", applier.cursor());
                } else {
                    FeedChanges changes = client.changes(applier.cursor(), WAIT_SECONDS);
                    if (changes.resnapshot()) {
                        needSnapshot = true;
                        continue;
                    }
                    applier.apply(changes);
                }
                backoff = 100;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                LOG.warn("feed unavailable, retrying in {} ms: {}", backoff, e.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(5_000, backoff * 2);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
