package ai.dexto.gateway.controlplane.feed;

import io.dropwizard.lifecycle.Managed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes feed change rows older than the retention and records the highest deleted cursor, so a
 * reader whose cursor is older than that is told to take a new snapshot instead of missing changes.
 */
public final class FeedPruner implements Managed {
    private static final Logger log = LoggerFactory.getLogger(FeedPruner.class);

    private final DataSource ds;
    private final long retentionSeconds;
    private ScheduledExecutorService timer;

    public FeedPruner(DataSource ds, long retentionSeconds) {
        this.ds = ds;
        this.retentionSeconds = retentionSeconds;
    }

    public void prune() throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "WITH gone AS (DELETE FROM feed_changes WHERE created_at < now() - ? * interval '1 second' "
                            + "RETURNING cursor) UPDATE feed_head SET pruned_through = "
                            + "greatest(pruned_through, (SELECT max(cursor) FROM gone)) "
                            + "WHERE id = 1 AND EXISTS (SELECT 1 FROM gone)")) {
                ps.setLong(1, retentionSeconds);
                ps.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "feed-prune");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                prune();
            } catch (SQLException | RuntimeException e) {
                log.warn("feed prune failed: {}", e.getMessage());
            }
        }, 60, 600, TimeUnit.SECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        if (timer != null) {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
