package ai.dexto.gateway.controlplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Stripe by configuration only: the same code talks to the simulator or to api.stripe.com. */
public final class StripeSettings {
    @JsonProperty
    public String secretKey = "";
    @JsonProperty
    public String apiBase = "https://api.stripe.com";
    @JsonProperty
    public String webhookSecret = "";
    @JsonProperty
    public long webhookToleranceSeconds = 300;
    @JsonProperty
    public List<Long> packsUsd = List.of(5L, 10L, 25L, 50L, 100L);
    @JsonProperty
    public String successUrl = "https://dexto.ai/billing?session_id={CHECKOUT_SESSION_ID}";
    @JsonProperty
    public String cancelUrl = "https://dexto.ai/billing";
}
