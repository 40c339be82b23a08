package ai.dexto.gateway.sim.openrouter;

import ai.dexto.gateway.sim.http.Responses;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * What the simulator needs from a chat request body. Prompt tokens are counted deterministically as
 * ceil(utf-8 bytes / 4) + 4 per message, capped at the body's length: the gateway's worst-case
 * estimate assumes a prompt never has more tokens than its request has bytes.
 *
 * @param maxTokens      {@code max_tokens} or {@code max_completion_tokens}, -1 when absent
 * @param usageRequested OpenRouter usage accounting ({@code usage.include} or {@code stream_options.include_usage})
 */
public record ChatRequest(String model, boolean stream, int maxTokens, boolean usageRequested, int promptTokens) {
    private static final int TOKENS_PER_MESSAGE = 4;

    /** @throws IllegalArgumentException with the message the client sees (400) */
    public static ChatRequest parse(ByteBuf body) {
        int bodyBytes = body.readableBytes();
        JsonNode root;
        try (InputStream in = new ByteBufInputStream(body.duplicate())) {
            root = Responses.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("Invalid JSON in request body");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("Request body must be a JSON object");
        }
        JsonNode messages = root.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw new IllegalArgumentException("messages is required and must be a non-empty array");
        }
        JsonNode model = root.path("model");
        if (!model.isTextual()) {
            throw new IllegalArgumentException("model is required");
        }
        int maxTokens = maxTokens(root);
        boolean usage = root.path("usage").path("include").asBoolean(false)
                || root.path("stream_options").path("include_usage").asBoolean(false);
        return new ChatRequest(model.asText(), root.path("stream").asBoolean(false), maxTokens, usage,
                (int) Math.min(promptTokens(messages), bodyBytes));
    }

    private static int maxTokens(JsonNode root) {
        JsonNode value = root.hasNonNull("max_tokens") ? root.get("max_tokens") : root.get("max_completion_tokens");
        if (value == null || value.isNull()) {
            return -1;
        }
        if (!value.canConvertToInt() || value.asInt() < 1) {
            throw new IllegalArgumentException("max_tokens must be a positive integer");
        }
        return value.asInt();
    }

    private static long promptTokens(JsonNode messages) {
        long tokens = 0;
        for (JsonNode message : messages) {
            JsonNode content = message.path("content");
            long bytes = 0;
            if (content.isTextual()) {
                bytes = utf8Length(content.asText());
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    bytes += utf8Length(part.path("text").asText(""));
                }
            }
            tokens += (bytes + 3) / 4 + TOKENS_PER_MESSAGE;
        }
        return tokens;
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
