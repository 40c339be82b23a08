package ai.dexto.gateway.dataplane.credit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;

/**
 * Reads a chat request body with jackson-core's streaming parser and, in the same pass, copies it
 * token by token into the body sent upstream: the client's own {@code usage} field is dropped and,
 * when {@link #finish} is called, {@code "usage":{"include":true}} (and an injected
 * {@code max_tokens}) are added before the closing brace. No tree, no databind.
 *
 * <p>Usage: {@link #read}; if it returns false, {@link #error()} says why (a 400); else look at the
 * fields, decide, then {@link #finish} (or {@link #discard}).
 */
public final class ChatBody {
    private static final JsonFactory FACTORY = new JsonFactory();

    private String model;
    private boolean stream;
    private long maxTokens = -1;
    private int messages;
    private String error;
    private ByteBuf out;
    private JsonGenerator gen;

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    /** {@code max_tokens} (or {@code max_completion_tokens}) the client gave; -1 when absent. */
    public long maxTokens() {
        return maxTokens;
    }

    public int messages() {
        return messages;
    }

    public String error() {
        return error;
    }

    public boolean read(ByteBuf body, ByteBufAllocator alloc) {
        out = alloc.buffer(body.readableBytes() + 64);
        try (JsonParser p = FACTORY.createParser((java.io.InputStream) new ByteBufInputStream(body.duplicate()))) {
            gen = FACTORY.createGenerator((java.io.OutputStream) new ByteBufOutputStream(out));
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return fail("request body must be a JSON object");
            }
            gen.writeStartObject();
            long maxCompletion = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "model" -> {
                        if (value != JsonToken.VALUE_STRING || p.getTextLength() == 0) {
                            return fail("model must be a non-empty string");
                        }
                        model = p.getText();
                        gen.writeStringField(name, model);
                    }
                    case "stream" -> {
                        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE
                                && value != JsonToken.VALUE_NULL) {
                            return fail("stream must be a boolean");
                        }
                        stream = value == JsonToken.VALUE_TRUE;
                        gen.writeFieldName(name);
                        gen.copyCurrentEvent(p);
                    }
                    case "max_tokens", "max_completion_tokens" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                                    || p.getLongValue() < 1 || p.getLongValue() > Integer.MAX_VALUE) {
                                return fail(name + " must be a positive integer");
                            }
                            if (name.equals("max_tokens")) {
                                maxTokens = p.getLongValue();
                            } else {
                                maxCompletion = p.getLongValue();
                            }
                        }
                        gen.writeFieldName(name);
                        gen.copyCurrentEvent(p);
                    }
                    case "messages" -> {
                        if (value != JsonToken.START_ARRAY) {
                            return fail("messages must be a non-empty array");
                        }
                        gen.writeFieldName(name);
                        gen.writeStartArray();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (p.currentToken() != JsonToken.START_OBJECT) {
                                return fail("each message must be an object");
                            }
                            messages++;
                            gen.copyCurrentStructure(p);
                        }
                        gen.writeEndArray();
                    }
                    case "usage" -> p.skipChildren();
                    default -> {
                        gen.writeFieldName(name);
                        gen.copyCurrentStructure(p);
                    }
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return fail("request body is not valid JSON");
            }
            if (maxTokens < 0) {
                maxTokens = maxCompletion;
            }
            if (model == null) {
                return fail("model is required");
            }
            if (messages == 0) {
                return fail("messages must be a non-empty array");
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return fail("request body is not valid JSON");
        }
    }

    /** Closes the rewritten body, adding usage accounting and {@code max_tokens} when {@code inject > 0}. */
    public ByteBuf finish(long injectMaxTokens) {
        try {
            if (injectMaxTokens > 0) {
                gen.writeNumberField("max_tokens", injectMaxTokens);
            }
            gen.writeFieldName("usage");
            gen.writeStartObject();
            gen.writeBooleanField("include", true);
            gen.writeEndObject();
            gen.writeEndObject();
            gen.close();
        } catch (IOException e) {
            throw new IllegalStateException("writing to a buffer cannot fail", e);
        }
        ByteBuf body = out;
        out = null;
        gen = null;
        return body;
    }

    public void discard() {
        if (out != null) {
            out.release();
            out = null;
        }
        gen = null;
    }

    private boolean fail(String message) {
        error = message;
        discard();
        return false;
    }
}
