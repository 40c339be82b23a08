package ai.dexto.gateway.controlplane.errors;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Anything else is our bug: logged with an id, answered 500 without details. */
public final class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
    private static final Logger log = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

    @Override
    public Response toResponse(Throwable e) {
        String id = UUID.randomUUID().toString();
        log.error("unexpected error {}", id, e);
        return ErrorBody.response(500, "api_error", "internal_error", "Internal error (" + id + ")");
    }
}
