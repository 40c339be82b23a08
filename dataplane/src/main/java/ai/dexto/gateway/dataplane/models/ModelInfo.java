package ai.dexto.gateway.dataplane.models;

/**
 * What pricing and limits need from one upstream model. Prices are pico-USD per token, parsed exactly
 * from the upstream's decimal strings.
 */
public record ModelInfo(String id, long promptPicoPerToken, long completionPicoPerToken, long contextLength,
                        long maxCompletionTokens) {

    /** The largest completion the model allows: its max completion tokens, else its context. */
    public long completionCap() {
        long cap = maxCompletionTokens > 0 ? maxCompletionTokens : contextLength;
        return cap > 0 ? cap : 4096;
    }
}
