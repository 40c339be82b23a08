package ai.dexto.gateway.sim.openrouter;

import java.math.BigDecimal;

/**
 * One model of the fixed catalogue. Prices are exact decimals as OpenRouter publishes them (strings in
 * {@code /models}): per token for prompt, completion and internal reasoning; per request, per input
 * image and per web search.
 *
 * @param reasoning              whether the model reports reasoning tokens (a quarter of its completion tokens here)
 * @param internalReasoningPrice the price of a reasoning token when billed apart (zero: at the completion price)
 */
public record Model(String id, String name, String provider, int contextLength, int maxCompletionTokens,
                    BigDecimal promptPrice, BigDecimal completionPrice, boolean reasoning, BigDecimal requestPrice,
                    BigDecimal imagePrice, BigDecimal webSearchPrice, BigDecimal internalReasoningPrice) {

    /** A model priced by its tokens only. */
    public Model(String id, String name, String provider, int contextLength, int maxCompletionTokens,
                 BigDecimal promptPrice, BigDecimal completionPrice, boolean reasoning) {
        this(id, name, provider, contextLength, maxCompletionTokens, promptPrice, completionPrice, reasoning,
                BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
    }

    /** The provider's charge for these tokens (reasoning tokens are part of the completion): exact, no rounding. */
    public BigDecimal cost(long promptTokens, long completionTokens, long reasoningTokens) {
        BigDecimal reasoningPrice = internalReasoningPrice.signum() > 0 ? internalReasoningPrice : completionPrice;
        return promptPrice.multiply(BigDecimal.valueOf(promptTokens))
                .add(completionPrice.multiply(BigDecimal.valueOf(completionTokens - reasoningTokens)))
                .add(reasoningPrice.multiply(BigDecimal.valueOf(reasoningTokens)));
    }

    public int reasoningTokens(int completionTokens) {
        return reasoning ? completionTokens / 4 : 0;
    }

    /** USD per million tokens, as {@code provider.max_price} states prompt and completion limits. */
    static BigDecimal perMillion(BigDecimal perToken) {
        return perToken.movePointRight(6);
    }
}
