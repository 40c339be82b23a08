package ai.dexto.gateway.controlplane.journal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A hook between a batch's ledger insert and its commit, so tests can crash the drain exactly there
 * (throw, or close the connection) and prove nothing is lost or counted twice. Production: none.
 */
@FunctionalInterface
public interface DrainFaults {
    DrainFaults NONE = (queueId, connection) -> { };

    void beforeCommit(String queueId, Connection connection) throws SQLException;
}
