package ai.dexto.gateway.controlplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;

/** Money rules that are policy, not code. */
public final class CreditSettings {
    /** Granted once, when a user is first provisioned (a credit_ledger entry of kind intro). */
    @NotBlank @JsonProperty
    public String introUsd = "10.00";
}
