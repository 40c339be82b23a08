package ai.dexto.gateway.controlplane.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.dexto.gateway.controlplane.support.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Money transactions commit synchronously even on a server whose default is not to. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DurableCommitTest {
    private static String synchronousCommit(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void everyTransactionCommitsSynchronouslyWhateverTheServerDefault() throws Exception {
        try (TestDatabase db = new TestDatabase();
             Connection c = db.database.dataSource().getConnection()) {
            // whatever the server's default (the embedded test server's is off), this session's is off
            try (Statement s = c.createStatement()) {
                s.execute("SET synchronous_commit = off");
            }
            assertEquals("off", synchronousCommit(c));
            assertEquals("on", db.transactions.inTransaction(c, tx -> synchronousCommit(tx.connection())));
            assertEquals("off", synchronousCommit(c), "SET LOCAL ends with its transaction");
            try (Statement s = c.createStatement()) {
                s.execute("RESET synchronous_commit");
            }
        }
    }
}
