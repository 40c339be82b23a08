package ai.dexto.gateway.controlplane.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** A body that is not the JSON we expect is the caller's mistake: 400, without echoing the body. */
public final class JsonExceptionMapper implements ExceptionMapper<JsonProcessingException> {
    @Override
    public Response toResponse(JsonProcessingException e) {
        return ErrorBody.response(400, "invalid_request_error", "invalid_json", "Request body is not valid JSON for this endpoint");
    }
}
