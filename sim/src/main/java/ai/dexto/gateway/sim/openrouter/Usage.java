package ai.dexto.gateway.sim.openrouter;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token counts and the charge of one generation. Without BYOK the whole provider cost is billed
 * ({@code cost}) and {@code upstreamInferenceCost} is null; with BYOK the user's own provider key pays
 * the provider ({@code upstreamInferenceCost}) and OpenRouter bills a 5% fee ({@code cost}).
 */
public record Usage(int promptTokens, int completionTokens, int reasoningTokens, BigDecimal cost,
                    BigDecimal upstreamInferenceCost, boolean byok) {
    static final BigDecimal BYOK_FEE = new BigDecimal("0.05");

    public static Usage of(Model model, int promptTokens, int completionTokens, boolean byok) {
        return of(model, promptTokens, completionTokens, byok, Extras.NONE);
    }

    /** The charge of a generation: its tokens at the model's prices, plus the request's extras. */
    public static Usage of(Model model, int promptTokens, int completionTokens, boolean byok, Extras extras) {
        int reasoning = model.reasoningTokens(completionTokens);
        BigDecimal providerCharge = model.cost(promptTokens, completionTokens, reasoning).add(extras.charge(model));
        return byok
                ? new Usage(promptTokens, completionTokens, reasoning, providerCharge.multiply(BYOK_FEE), providerCharge, true)
                : new Usage(promptTokens, completionTokens, reasoning, providerCharge, null, false);
    }

    /** The {@code usage} object; accounting adds cost, BYOK flag and the details objects. */
    public Map<String, Object> toJson(boolean accounting) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("prompt_tokens", promptTokens);
        json.put("completion_tokens", completionTokens);
        json.put("total_tokens", promptTokens + completionTokens);
        if (accounting) {
            json.put("cost", plain(cost));
            json.put("is_byok", byok);
            json.put("prompt_tokens_details", Map.of("cached_tokens", 0, "audio_tokens", 0));
            Map<String, Object> costDetails = new LinkedHashMap<>();
            costDetails.put("upstream_inference_cost", upstreamInferenceCost == null ? null : plain(upstreamInferenceCost));
            json.put("cost_details", costDetails);
            json.put("completion_tokens_details", Map.of("reasoning_tokens", reasoningTokens));
        }
        return json;
    }

    /** Plain decimal without trailing zeros: {@code 0.0000126}, {@code 0}. */
    static BigDecimal plain(BigDecimal value) {
        return value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
    }
}
