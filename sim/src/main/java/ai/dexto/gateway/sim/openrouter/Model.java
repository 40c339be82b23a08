package ai.dexto.gateway.sim.openrouter;

import java.math.BigDecimal;

/**
 * One model of the fixed catalogue. Prices are USD per token, exact decimals as OpenRouter publishes
 * them (strings in {@code /models}).
 *
 * @param reasoning whether the model reports reasoning tokens (a quarter of its completion tokens here)
 */
public record Model(String id, String name, String provider, int contextLength, int maxCompletionTokens,
                    BigDecimal promptPrice, BigDecimal completionPrice, boolean reasoning) {

    /** The provider's charge for these tokens: exact, no rounding. */
    public BigDecimal cost(long promptTokens, long completionTokens) {
        return promptPrice.multiply(BigDecimal.valueOf(promptTokens))
                .add(completionPrice.multiply(BigDecimal.valueOf(completionTokens)));
    }

    public int reasoningTokens(int completionTokens) {
        return reasoning ? completionTokens / 4 : 0;
    }
}
