package ai.dexto.gateway.controlplane.db;

import ai.dexto.gateway.controlplane.feed.ChangeLog;
import ai.dexto.gateway.controlplane.feed.FeedNotifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Runs work in one transaction: commit on success, roll back on any exception so nothing is ever half
 * written. A transaction that changed users or keys records them in the feed as its last statements
 * (the head-row lock orders cursors by commit) and wakes waiting feed readers right after commit.
 * Deadlocks and serialization failures are retried a few times with a fresh transaction.
 *
 * <p>Every transaction here moves money or what decides it (ledger rows, balances, keys, the drain's
 * position), so each commits with {@code synchronous_commit = on} whatever the server's default: a
 * commit the caller saw succeed (a webhook answered 200, a drained batch) survives a crash of
 * PostgreSQL or of its machine.
 */
public final class Transactions {
    private static final int ATTEMPTS = 4;

    private final DataSource dataSource;
    private final FeedNotifier notifier;

    public Transactions(DataSource dataSource, FeedNotifier notifier) {
        this.dataSource = dataSource;
        this.notifier = notifier;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public <T> T inTransaction(SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                return inTransaction(c, work);
            } catch (SQLException e) {
                if (attempt < ATTEMPTS && isRetryable(e)) {
                    continue;
                }
                throw new DatabaseException(e);
            }
        }
    }

    /** The same on a connection the caller holds (e.g. one that also holds an advisory lock). */
    public <T> T inTransaction(Connection c, SqlWork<T> work) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        boolean committed = false;
        Tx tx = new Tx(c);
        try {
            try (Statement durable = c.createStatement()) {
                durable.execute("SET LOCAL synchronous_commit = on");
            }
            T result = work.run(tx);
            if (tx.changedAnything()) {
                ChangeLog.append(c, tx.changedUsers(), tx.changedKeys());
            }
            c.commit();
            committed = true;
            if (tx.changedAnything()) {
                notifier.signal();
            }
            return result;
        } finally {
            if (!committed) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is broken; the pool discards it and the server rolled back
                }
            }
            try {
                c.setAutoCommit(autoCommit);
            } catch (SQLException ignored) {
                // as above
            }
        }
    }

    static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }
}
