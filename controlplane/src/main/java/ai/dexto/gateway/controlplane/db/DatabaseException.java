package ai.dexto.gateway.controlplane.db;

import java.sql.SQLException;

/** A database failure no caller can fix; mapped to 500 (503 when the database is unreachable). */
public final class DatabaseException extends RuntimeException {
    public DatabaseException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    public String sqlState() {
        return ((SQLException) getCause()).getSQLState();
    }
}
