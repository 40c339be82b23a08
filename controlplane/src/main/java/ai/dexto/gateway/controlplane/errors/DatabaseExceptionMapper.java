package ai.dexto.gateway.controlplane.errors;

import ai.dexto.gateway.controlplane.db.DatabaseException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The transaction was rolled back: 503 when the database is away, else 500. No SQL in the answer. */
public final class DatabaseExceptionMapper implements ExceptionMapper<DatabaseException> {
    private static final Logger log = LoggerFactory.getLogger(DatabaseExceptionMapper.class);

    @Override
    public Response toResponse(DatabaseException e) {
        String id = UUID.randomUUID().toString();
        String state = e.sqlState();
        boolean unavailable = state != null && (state.startsWith("08") || state.startsWith("57"));
        log.error("database error {} (SQLState {})", id, state, e);
        return unavailable
                ? ErrorBody.response(503, "api_error", "database_unavailable", "Database unavailable (" + id + ")")
                : ErrorBody.response(500, "api_error", "internal_error", "Internal error (" + id + ")");
    }
}
