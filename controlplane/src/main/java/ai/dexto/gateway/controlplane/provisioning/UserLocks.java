package ai.dexto.gateway.controlplane.provisioning;

import ai.dexto.gateway.controlplane.db.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * Serialises work on one user's upstream key across threads (a striped in-process lock, so waiters
 * hold no database connection) and across control-plane instances (a session-level PostgreSQL
 * advisory lock on the connection the work then uses). Holding the advisory lock needs no open
 * transaction, so minting over HTTP under it never keeps a transaction open.
 */
public final class UserLocks {
    private static final int ADVISORY_CLASS = 0x0d3c70;

    @FunctionalInterface
    public interface LockedWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource ds;
    private final ReentrantLock[] stripes = new ReentrantLock[64];

    public UserLocks(DataSource ds) {
        this.ds = ds;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    public <T> T withUser(String userId, LockedWork<T> work) {
        ReentrantLock local = stripes[Math.floorMod(userId.hashCode(), stripes.length)];
        local.lock();
        try (Connection c = ds.getConnection()) {
            advisory(c, "SELECT pg_advisory_lock(?, hashtext(?))", userId);
            try {
                return work.run(c);
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
                advisory(c, "SELECT pg_advisory_unlock(?, hashtext(?))", userId);
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        } finally {
            local.unlock();
        }
    }

    private static void advisory(Connection c, String sql, String userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, ADVISORY_CLASS);
            ps.setString(2, userId);
            ps.execute();
        }
    }
}
