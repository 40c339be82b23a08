package ai.dexto.gateway.controlplane.errors;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.eclipse.jetty.http.BadMessageException;

/**
 * Jetty's refusal of a request while the application reads it, mostly a chunked body growing past
 * {@code limits.maxRequestBodyBytes} (Jetty's SizeLimitHandler stops reading there): its status, in
 * the error shape, instead of a 500.
 */
public final class BadMessageExceptionMapper implements ExceptionMapper<BadMessageException> {
    @Override
    public Response toResponse(BadMessageException e) {
        int status = e.getCode();
        return status == 413
                ? ErrorBody.response(413, "invalid_request_error", "body_too_large", "Request body is too large")
                : ErrorBody.response(status, "invalid_request_error", "bad_request", "Malformed request");
    }
}
