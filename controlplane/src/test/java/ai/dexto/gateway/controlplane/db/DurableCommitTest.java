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
        try (TestDatabase db = new TestDatabase()) {
            // the test server runs with the fast settings on purpose (TestPostgres): the default is off
            try (Connection c = db.database.dataSource().getConnection()) {
                assertEquals("off", synchronousCommit(c));
            }
            assertEquals("on", db.transactions.inTransaction(tx -> synchronousCommit(tx.connection())));
            try (Connection c = db.database.dataSource().getConnection()) {
                assertEquals("off", synchronousCommit(c), "SET LOCAL ends with its transaction");
            }
        }
    }
}
