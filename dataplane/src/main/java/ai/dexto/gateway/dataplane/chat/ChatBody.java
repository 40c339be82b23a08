package ai.dexto.gateway.dataplane.chat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a chat request body once with jackson-core's streaming parser (no tree, no databind) and
 * learns everything that decides what the upstream may charge: the model and its fallbacks, the
 * completion limits, the media parts, web search, and the {@code provider} object. It also notes the
 * byte offsets an upstream body is spliced at ({@link UpstreamBody}): the client's own {@code usage}
 * member, the inside of {@code provider}, and the closing brace. Anything that could change the
 * charge without being priced is refused with a reason.
 *
 * <p>Strict: duplicate keys at any depth, invalid UTF-8, NUL bytes and anything after the object are
 * errors, so the gateway and the upstream can never read two different requests from the same bytes.
 */
public final class ChatBody {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    /** Web search results OpenRouter's web plugin fetches when {@code max_results} is not given. */
    public static final int DEFAULT_WEB_RESULTS = 5;

    private String model;
    private final List<String> fallbacks = new ArrayList<>(0);
    private boolean stream;
    private long maxTokens = -1;
    private long maxCompletionTokens = -1;
    private int messages;
    private int images;
    private int otherMedia;
    private int webSearches;
    private int webResults;
    private String error;
    private boolean unsupported;

    // splice points: byte offsets in the body
    int usageFrom = -1;
    int usageTo = -1;
    int providerInside = -1;
    boolean providerEmpty;
    /** Where the client's {@code "max_tokens": null} has its {@code null}: an injected limit goes there. */
    int maxTokensNullAt = -1;
    int closingBrace = -1;

    /** The model as asked for, suffix included ({@code openai/gpt-4o:online}). */
    public String model() {
        return model;
    }

    /** OpenRouter's {@code models} fallback list (may be empty). */
    public List<String> fallbacks() {
        return fallbacks;
    }

    public boolean stream() {
        return stream;
    }

    /** The completion limit the client gave ({@code max_tokens} or {@code max_completion_tokens}, the larger); -1 when absent. */
    public long maxTokens() {
        return Math.max(maxTokens, maxCompletionTokens);
    }

    public int messages() {
        return messages;
    }

    /** Image parts in the messages (each priced at the model's image price). */
    public int images() {
        return images;
    }

    /** Parts that are neither text nor image (audio, files, video): the prompt is then bounded by the context. */
    public int otherMedia() {
        return otherMedia;
    }

    /** Whether any part can turn into prompt tokens that the body's length does not bound. */
    public boolean hasMedia() {
        return images + otherMedia > 0;
    }

    /** Web searches asked for (plugin, {@code :online}, {@code web_search_options}): 0 or 1. */
    public int webSearches() {
        return webSearches;
    }

    /** Results the web search may fetch and bill. */
    public int webResults() {
        return webResults;
    }

    public String error() {
        return error;
    }

    /** Whether the refusal was for a parameter we do not support (rather than invalid JSON). */
    public boolean unsupported() {
        return unsupported;
    }

    public boolean read(ByteBuf body) {
        if (!Utf8.isValidJsonText(body)) {
            return fail("request body is not valid UTF-8 JSON");
        }
        int base = body.readerIndex();
        try (JsonParser p = FACTORY.createParser((java.io.InputStream) new ByteBufInputStream(body.duplicate()))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return fail("request body must be a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                int nameAt = offset(p, base);
                JsonToken value = p.nextToken();
                if (!member(p, name, value, nameAt, base)) {
                    return false;
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return fail("request body is not valid JSON");
            }
            closingBrace = offset(p, base);
            if (p.nextToken() != null) {
                return fail("request body has data after the JSON object");
            }
        } catch (IOException | RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            return fail(m.startsWith("Duplicate field") ? "request body has a duplicate key: "
                    + m.substring("Duplicate field ".length(), Math.max(m.indexOf('\n'), "Duplicate field ".length()))
                    : "request body is not valid JSON");
        }
        if (usageFrom >= 0 && usageTo == -2) {
            usageTo = closingBrace;
            usageFrom = commaBefore(body, usageFrom);
        }
        if (model == null) {
            return fail("model is required");
        }
        if (messages == 0) {
            return fail("messages must be a non-empty array");
        }
        return true;
    }

    private boolean member(JsonParser p, String name, JsonToken value, int nameAt, int base) throws IOException {
        if (usageTo == -2) {
            usageTo = nameAt; // the member after "usage" starts here: "usage":…, is cut up to it
        }
        switch (name) {
            case "model" -> {
                if (value != JsonToken.VALUE_STRING || p.getTextLength() == 0 || p.getTextLength() > 256) {
                    return fail("model must be a non-empty string");
                }
                model = p.getText();
            }
            case "models" -> {
                if (value != JsonToken.START_ARRAY) {
                    return fail("models must be an array of model ids");
                }
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken() != JsonToken.VALUE_STRING || p.getTextLength() == 0 || fallbacks.size() >= 8) {
                        return fail("models must be an array of at most 8 model ids");
                    }
                    fallbacks.add(p.getText());
                }
            }
            case "stream" -> {
                if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
                    return fail("stream must be a boolean");
                }
                stream = value == JsonToken.VALUE_TRUE;
            }
            case "max_tokens", "max_completion_tokens" -> {
                if (value == JsonToken.VALUE_NULL && name.equals("max_tokens")) {
                    maxTokensNullAt = offset(p, base);
                }
                if (value != JsonToken.VALUE_NULL) {
                    if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                            || p.getLongValue() < 1 || p.getLongValue() > Integer.MAX_VALUE) {
                        return fail(name + " must be a positive integer");
                    }
                    if (name.equals("max_tokens")) {
                        maxTokens = p.getLongValue();
                    } else {
                        maxCompletionTokens = p.getLongValue();
                    }
                }
            }
            case "n" -> {
                if (value != JsonToken.VALUE_NULL && (value != JsonToken.VALUE_NUMBER_INT || p.getLongValue() != 1)) {
                    return refuse("n other than 1 is not supported: each choice would be billed");
                }
            }
            case "messages" -> {
                if (value != JsonToken.START_ARRAY) {
                    return fail("messages must be a non-empty array");
                }
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken() != JsonToken.START_OBJECT) {
                        return fail("each message must be an object");
                    }
                    messages++;
                    message(p);
                }
            }
            case "plugins" -> {
                if (value != JsonToken.START_ARRAY) {
                    return fail("plugins must be an array");
                }
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken() != JsonToken.START_OBJECT || !plugin(p)) {
                        return error != null ? false : refuse("only the web plugin is supported");
                    }
                }
            }
            case "web_search_options" -> {
                if (value != JsonToken.START_OBJECT) {
                    return fail("web_search_options must be an object");
                }
                p.skipChildren();
                webSearch(DEFAULT_WEB_RESULTS);
            }
            case "provider" -> {
                if (value != JsonToken.START_OBJECT) {
                    return fail("provider must be an object");
                }
                providerInside = offset(p, base) + 1;
                providerEmpty = true;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    providerEmpty = false;
                    if (p.currentName().equals("max_price")) {
                        return refuse("provider.max_price is set by the gateway to the prices it reserved for");
                    }
                    p.nextToken();
                    p.skipChildren();
                }
            }
            case "prediction" -> {
                return refuse("prediction is not supported: rejected predicted tokens are billed beyond max_tokens");
            }
            case "usage" -> {
                usageFrom = nameAt;
                usageTo = -2; // ends where the next member (or the closing brace) starts
                p.skipChildren();
            }
            default -> p.skipChildren();
        }
        return true;
    }

    /** Counts a message's media parts; text parts are bounded by the body's length already. */
    private void message(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("content") && v == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken() == JsonToken.START_OBJECT) {
                        part(p);
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private void part(JsonParser p) throws IOException {
        String type = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("type") && v == JsonToken.VALUE_STRING) {
                type = p.getText();
            } else {
                p.skipChildren();
            }
        }
        if ("image_url".equals(type) || "image".equals(type)) {
            images++;
        } else if (type != null && !type.equals("text")) {
            otherMedia++;
        }
    }

    private boolean plugin(JsonParser p) throws IOException {
        String id = null;
        int results = DEFAULT_WEB_RESULTS;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("id") && v == JsonToken.VALUE_STRING) {
                id = p.getText();
            } else if (field.equals("max_results")) {
                if (v != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 1 || p.getLongValue() > 100) {
                    return fail("plugins[].max_results must be an integer from 1 to 100");
                }
                results = (int) p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
        if (!"web".equals(id)) {
            return false;
        }
        webSearch(results);
        return true;
    }

    /** A model id suffix that asks for web search (OpenRouter's {@code :online}). */
    public void onlineModel() {
        webSearch(DEFAULT_WEB_RESULTS);
    }

    private void webSearch(int results) {
        webSearches = 1;
        webResults = Math.max(webResults, results);
    }

    private static int offset(JsonParser p, int base) {
        return base + (int) p.currentTokenLocation().getByteOffset();
    }

    /** Where the comma before a member starts (the member is the object's last: its comma goes too). */
    private static int commaBefore(ByteBuf body, int at) {
        for (int i = at - 1; i >= body.readerIndex(); i--) {
            byte b = body.getByte(i);
            if (b == ',') {
                return i;
            }
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return at;
            }
        }
        return at;
    }

    private boolean fail(String message) {
        error = message;
        return false;
    }

    private boolean refuse(String message) {
        unsupported = true;
        return fail(message);
    }
}
