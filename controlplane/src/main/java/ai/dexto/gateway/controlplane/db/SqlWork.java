package ai.dexto.gateway.controlplane.db;

import java.sql.SQLException;

/** A unit of work run inside one database transaction. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Tx tx) throws SQLException;
}
