package ai.dexto.gateway.sim.openrouter;

import ai.dexto.gateway.sim.fault.Fault;
import ai.dexto.gateway.sim.provisioning.ProvisionedKey;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Everything one chat request decided before answering, captured so the answer can be produced later
 * on the event loop (after delays) without holding on to the request.
 *
 * @param completionTokens the tokens the answer will have: min(max_tokens, answer tokens)
 * @param truncated        whether max_tokens cut the answer short (finish_reason "length")
 * @param extras           what the request is charged beside its tokens (images, web search, per request)
 */
public record ChatCall(String id, long created, long startNanos, ProvisionedKey key, Model model, int promptTokens,
                       int completionTokens, boolean truncated, boolean stream, boolean usageRequested, boolean byok,
                       Fault fault, long ttftMillis, long interTokenMillis, boolean keepAlive, Extras extras) {
    /**
     * OpenRouter names the generation in a response header too, so a client that leaves before the
     * first chunk can still look its bill up in {@code /generation}.
     */
    static final String GENERATION_ID_HEADER = "X-Generation-Id";
    private static final char[] ALPHANUMERIC =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** OpenRouter-style id: {@code gen-<unix seconds>-<20 alphanumerics>}. */
    static String newId(long createdSeconds) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(36).append("gen-").append(createdSeconds).append('-');
        for (int i = 0; i < 20; i++) {
            id.append(ALPHANUMERIC[random.nextInt(ALPHANUMERIC.length)]);
        }
        return id.toString();
    }

    boolean usageInAnswer() {
        return usageRequested && !fault.noUsage();
    }

    String finishReason() {
        return truncated ? "length" : "stop";
    }
}
