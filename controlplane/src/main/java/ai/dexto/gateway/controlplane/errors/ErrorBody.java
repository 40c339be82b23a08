package ai.dexto.gateway.controlplane.errors;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code {"error":{"message","type","code"}}}: the one error shape of every endpoint. */
public record ErrorBody(@JsonProperty("error") Detail error) {
    public record Detail(@JsonProperty("message") String message,
                         @JsonProperty("type") String type,
                         @JsonProperty("code") String code) {
    }

    public static Response response(int status, String type, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody(new Detail(message, type, code))).build();
    }
}
