package ai.dexto.gateway.controlplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/**
 * The port that serves {@code /admin/*} and {@code /internal/*} (and nothing else): loopback by
 * default, so the operators' API and the data plane's feed are never reachable from the public side.
 * With a PEM certificate chain and a PKCS#8 PEM key it speaks TLS.
 */
public final class InternalPortSettings {
    @NotBlank @JsonProperty
    public String bindHost = "127.0.0.1";
    @Min(0) @Max(65535) @JsonProperty
    public int port = 8084;
    /** PEM certificate chain, leaf first ({@code DEXTO_CONTROL_INTERNAL_TLS_CERT}); empty: plain HTTP. */
    @JsonProperty
    public String tlsCertFile = "";
    /** PEM PKCS#8 private key of that certificate ({@code DEXTO_CONTROL_INTERNAL_TLS_KEY}). */
    @JsonProperty
    public String tlsKeyFile = "";

    public boolean tls() {
        return tlsCertFile != null && !tlsCertFile.isBlank();
    }
}
