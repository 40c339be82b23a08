package ai.dexto.gateway.controlplane.errors;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

public final class ApiExceptionMapper implements ExceptionMapper<ApiException> {
    @Override
    public Response toResponse(ApiException e) {
        return ErrorBody.response(e.status(), e.type(), e.code(), e.getMessage());
    }
}
