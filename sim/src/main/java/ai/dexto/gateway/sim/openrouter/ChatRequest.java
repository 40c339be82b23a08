package ai.dexto.gateway.sim.openrouter;

import ai.dexto.gateway.sim.http.Responses;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * What the simulator needs from a chat request body. Text is counted deterministically as
 * ceil(utf-8 bytes / 4) + 4 per message; an image part counts {@value #IMAGE_TOKENS} tokens and any
 * other media part {@value #MEDIA_TOKENS}. A prompt of text only is capped at the body's length (the
 * gateway assumes a prompt never has more tokens than its request has bytes); one with media at the
 * model's context length.
 *
 * @param maxTokens      the larger of {@code max_tokens} and {@code max_completion_tokens}, -1 when absent
 * @param usageRequested OpenRouter usage accounting ({@code usage.include} or {@code stream_options.include_usage})
 * @param webResults     results the web search fetches: the web plugin's {@code max_results} (default 5), or 5
 *                       for {@code web_search_options} or an {@code :online} model; 0 without search
 * @param maxPrice       {@code provider.max_price}, or null
 */
public record ChatRequest(String model, List<String> fallbacks, boolean stream, int maxTokens, boolean usageRequested,
                          int textTokens, int images, int otherMedia, int webResults, MaxPrice maxPrice, int bodyBytes) {
    private static final int TOKENS_PER_MESSAGE = 4;
    static final int IMAGE_TOKENS = 765;
    static final int MEDIA_TOKENS = 1_000;
    static final int DEFAULT_WEB_RESULTS = 5;

    /** OpenRouter's price limits: USD per million tokens for prompt and completion, USD per request and image. */
    public record MaxPrice(BigDecimal prompt, BigDecimal completion, BigDecimal request, BigDecimal image) {
        public boolean allows(Model m) {
            return within(Model.perMillion(m.promptPrice()), prompt) && within(Model.perMillion(m.completionPrice()), completion)
                    && within(m.requestPrice(), request) && within(m.imagePrice(), image);
        }

        private static boolean within(BigDecimal price, BigDecimal limit) {
            return limit == null || price.compareTo(limit) <= 0;
        }
    }

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
        List<String> fallbacks = new ArrayList<>();
        for (JsonNode m : root.path("models")) {
            fallbacks.add(m.asText());
        }
        boolean usage = root.path("usage").path("include").asBoolean(false)
                || root.path("stream_options").path("include_usage").asBoolean(false);
        int[] media = new int[2];
        long text = promptTokens(messages, media);
        return new ChatRequest(model.asText(), fallbacks, root.path("stream").asBoolean(false), maxTokens(root), usage,
                (int) Math.min(text, Integer.MAX_VALUE), media[0], media[1], webResults(root),
                maxPrice(root.path("provider").path("max_price")), bodyBytes);
    }

    /** The prompt tokens this request has on {@code model}. */
    public int promptTokens(Model model) {
        long tokens = (long) textTokens + (long) images * IMAGE_TOKENS + (long) otherMedia * MEDIA_TOKENS;
        long cap = images + otherMedia > 0 ? model.contextLength() : bodyBytes;
        return (int) Math.min(tokens, cap);
    }

    private static int maxTokens(JsonNode root) {
        int max = -1;
        for (String field : new String[] {"max_tokens", "max_completion_tokens"}) {
            JsonNode value = root.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            if (!value.canConvertToInt() || value.asInt() < 1) {
                throw new IllegalArgumentException(field + " must be a positive integer");
            }
            max = Math.max(max, value.asInt());
        }
        return max;
    }

    private static int webResults(JsonNode root) {
        int results = 0;
        for (JsonNode plugin : root.path("plugins")) {
            if ("web".equals(plugin.path("id").asText())) {
                results = Math.max(results, plugin.path("max_results").asInt(DEFAULT_WEB_RESULTS));
            }
        }
        if (root.has("web_search_options") || root.path("model").asText().endsWith(":online")) {
            results = Math.max(results, DEFAULT_WEB_RESULTS);
        }
        return results;
    }

    private static MaxPrice maxPrice(JsonNode limits) {
        if (!limits.isObject()) {
            return null;
        }
        return new MaxPrice(decimal(limits.get("prompt")), decimal(limits.get("completion")),
                decimal(limits.get("request")), decimal(limits.get("image")));
    }

    private static BigDecimal decimal(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            return new BigDecimal(v.asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("provider.max_price values must be numbers");
        }
    }

    private static long promptTokens(JsonNode messages, int[] media) {
        long tokens = 0;
        for (JsonNode message : messages) {
            JsonNode content = message.path("content");
            long bytes = 0;
            if (content.isTextual()) {
                bytes = utf8Length(content.asText());
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    String type = part.path("type").asText("text");
                    if (type.equals("image_url") || type.equals("image")) {
                        media[0]++;
                    } else if (!type.equals("text")) {
                        media[1]++;
                    } else {
                        bytes += utf8Length(part.path("text").asText(""));
                    }
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
