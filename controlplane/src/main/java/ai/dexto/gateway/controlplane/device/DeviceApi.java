package ai.dexto.gateway.controlplane.device;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The device endpoints' request and response bodies (docs/contracts.md, "Device login"). */
public final class DeviceApi {
    private DeviceApi() {
    }

    public record StartRequest(@JsonProperty("client") String client) {
    }

    public record PollRequest(@JsonProperty("deviceCode") String deviceCode) {
    }

    public record CodeRequest(@JsonProperty("userCode") String userCode) {
    }

    public record Started(@JsonProperty("deviceCode") String deviceCode,
                          @JsonProperty("userCode") String userCode,
                          @JsonProperty("verificationUri") String verificationUri,
                          @JsonProperty("verificationUriComplete") String verificationUriComplete,
                          @JsonProperty("expiresIn") int expiresIn,
                          @JsonProperty("interval") int interval) {
    }

    /** The one successful poll: a new API key, and the approving session for key management. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Granted(@JsonProperty("dextoApiKey") String dextoApiKey,
                          @JsonProperty("keyId") long keyId,
                          @JsonProperty("keyDisplay") String keyDisplay,
                          @JsonProperty("userId") String userId,
                          @JsonProperty("email") String email,
                          @JsonProperty("accessToken") String accessToken,
                          @JsonProperty("accessTokenExpiresAt") Long accessTokenExpiresAt) {
    }

    public record Info(@JsonProperty("userCode") String userCode,
                       @JsonProperty("client") String client,
                       @JsonProperty("clientName") String clientName,
                       @JsonProperty("createdAt") String createdAt,
                       @JsonProperty("expiresAt") String expiresAt) {
    }

    public record Decided(@JsonProperty("userCode") String userCode,
                          @JsonProperty("client") String client,
                          @JsonProperty("clientName") String clientName,
                          @JsonProperty("status") String status) {
    }

    /** RFC 8628 §3.5 / RFC 6749 §5.2: {@code 400 {"error","error_description"}}. */
    public record PollErrorBody(@JsonProperty("error") String error,
                                @JsonProperty("error_description") String errorDescription) {
    }

    /** A poll that did not grant: its RFC error code. */
    public static final class PollError extends RuntimeException {
        private final String error;

        public PollError(String error, String description) {
            super(description, null, false, false);
            this.error = error;
        }

        public String error() {
            return error;
        }
    }
}
