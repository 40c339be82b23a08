package ai.dexto.gateway.controlplane.errors;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

public final class ApiExceptionMapper implements ExceptionMapper<ApiException> {
    @Override
    public Response toResponse(ApiException e) {
        Response r = ErrorBody.response(e.status(), e.type(), e.code(), e.getMessage());
        return e.retryAfterSeconds() > 0
                ? Response.fromResponse(r).header("Retry-After", Long.toString(e.retryAfterSeconds())).build() : r;
    }
}
