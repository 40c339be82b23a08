package ai.dexto.gateway.controlplane.errors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** Jersey's own failures (unknown route, wrong method, unsupported media type) in our error shape. */
public final class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal_error" : "invalid_request";
        };
        String type = status == 401 ? "authentication_error"
                : status == 404 ? "not_found_error"
                : status >= 500 ? "api_error" : "invalid_request_error";
        String message = switch (status) {
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 415 -> "Unsupported media type";
            default -> Response.Status.fromStatusCode(status) != null
                    ? Response.Status.fromStatusCode(status).getReasonPhrase() : "Request failed";
        };
        Response r = ErrorBody.response(status, type, code, message);
        if (status == 405 && e.getResponse().getHeaderString("Allow") != null) {
            return Response.fromResponse(r).header("Allow", e.getResponse().getHeaderString("Allow")).build();
        }
        return r;
    }
}
