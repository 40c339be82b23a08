package ai.dexto.gateway.controlplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.Map;

/** Device login (RFC 8628): where users approve, how long codes live, how often devices may poll. */
public final class DeviceLoginSettings {
    /** The approval page; {@code verificationUriComplete} adds {@code ?code=XXXX-XXXX}. */
    @NotBlank @JsonProperty
    public String verificationUrl = "https://dexto.ai/device";
    @Min(1) @JsonProperty
    public int expiresSeconds = 600;
    @Min(1) @JsonProperty
    public int intervalSeconds = 5;
    /** Clients that may start a device login, with the name the approval page shows. */
    @NotEmpty @JsonProperty
    public Map<String, String> clients = Map.of("dexto-cli", "Dexto CLI");
    /** Approvals, denials and code look-ups one user may make per minute (guessing codes costs that). */
    @Min(1) @JsonProperty
    public int decisionsPerMinute = 10;
    /** Device logins one address may start per minute. */
    @Min(1) @JsonProperty
    public int startsPerMinute = 20;
}
