package ai.dexto.gateway.sim.openrouter;

import java.nio.charset.StandardCharsets;

/**
 * The deterministic answer: token i is the i-th word of a fixed list (cycled), each after the first
 * with a leading space. Encoded once, so a streamed token costs a buffer copy, not a JSON encode.
 */
final class AnswerText {
    private static final String[] WORDS = {
        "The", "simulated", "model", "answers", "with", "a", "steady", "stream", "of", "plain", "words",
        "so", "that", "every", "test", "can", "count", "tokens", "and", "check", "the", "exact", "cost",
        "of", "each", "request", "without", "any", "real", "provider", "behind", "it."
    };
    private static final byte[][] ENCODED = new byte[WORDS.length * 2][];

    static {
        for (int i = 0; i < WORDS.length; i++) {
            ENCODED[i] = WORDS[i].getBytes(StandardCharsets.US_ASCII);
            ENCODED[WORDS.length + i] = (" " + WORDS[i]).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private AnswerText() {
    }

    static String token(int index) {
        String word = WORDS[index % WORDS.length];
        return index == 0 ? word : " " + word;
    }

    /** JSON-safe bytes of {@link #token(int)}. */
    static byte[] tokenBytes(int index) {
        return ENCODED[(index == 0 ? 0 : WORDS.length) + index % WORDS.length];
    }

    static String answer(int tokens) {
        StringBuilder text = new StringBuilder(tokens * 7);
        for (int i = 0; i < tokens; i++) {
            text.append(token(i));
        }
        return text.toString();
    }
}
