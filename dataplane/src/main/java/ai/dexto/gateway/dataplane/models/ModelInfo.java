package ai.dexto.gateway.dataplane.models;

/**
 * What pricing and limits need from one upstream model, parsed exactly from the upstream's decimal
 * strings: token prices in pico-USD per token, per-request, per-image and per-web-search prices in
 * nano-USD (rounded up, so a reservation is never short by a rounding).
 *
 * @param internalReasoningPico price of a reasoning token when the model bills them apart (0: at the completion price)
 */
public record ModelInfo(String id, long promptPicoPerToken, long completionPicoPerToken, long internalReasoningPico,
                        long requestNanos, long imageNanos, long webSearchNanos, long contextLength,
                        long maxCompletionTokens) {

    public ModelInfo(String id, long promptPicoPerToken, long completionPicoPerToken, long contextLength,
                     long maxCompletionTokens) {
        this(id, promptPicoPerToken, completionPicoPerToken, 0, 0, 0, 0, contextLength, maxCompletionTokens);
    }

    /** The largest completion the model allows: its max completion tokens, else its context. */
    public long completionCap() {
        long cap = maxCompletionTokens > 0 ? maxCompletionTokens : contextLength;
        return cap > 0 ? cap : 4096;
    }

    /** The dearest price an output token can have: completion, or reasoning when billed apart and higher. */
    public long outputPicoPerToken() {
        return Math.max(completionPicoPerToken, internalReasoningPico);
    }

    /** The most prompt tokens a request can carry: the context length (or a safe default when unknown). */
    public long promptCap() {
        return contextLength > 0 ? contextLength : 1_000_000;
    }
}
