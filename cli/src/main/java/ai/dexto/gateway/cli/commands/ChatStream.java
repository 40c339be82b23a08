package ai.dexto.gateway.cli.commands;

import ai.dexto.gateway.cli.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the gateway's server-sent events: {@code data:} chunks carry the answer's deltas; the comment
 * lines {@code : x-dexto-cost-usd=…} and {@code : x-dexto-credits-remaining=…} before {@code [DONE]}
 * carry the request's cost and the balance after it; an {@code error} chunk ends the stream early.
 */
final class ChatStream {
    /** What a finished stream told us; {@code error} is non-null when the stream broke off. */
    record Result(String content, BigDecimal cost, BigDecimal creditsRemaining, String error, boolean done) {
    }

    private ChatStream() {
    }

    static Result read(InputStream body, Consumer<String> onDelta) throws IOException {
        StringBuilder content = new StringBuilder();
        BigDecimal cost = null;
        BigDecimal remaining = null;
        String error = null;
        boolean done = false;
        BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith(":")) {
                String comment = line.substring(1).trim();
                if (comment.startsWith("x-dexto-cost-usd=")) {
                    cost = decimal(comment.substring("x-dexto-cost-usd=".length()));
                } else if (comment.startsWith("x-dexto-credits-remaining=")) {
                    remaining = decimal(comment.substring("x-dexto-credits-remaining=".length()));
                }
                continue;
            }
            if (!line.startsWith("data:")) {
                continue;
            }
            String data = line.substring(5).trim();
            if (data.equals("[DONE]")) {
                done = true;
                break;
            }
            Map<String, Object> chunk;
            try {
                chunk = Json.object(data);
            } catch (RuntimeException e) {
                continue; // one unreadable event does not end the answer
            }
            if (chunk.get("error") != null) {
                Map<String, Object> e = Json.map(chunk.get("error"));
                error = e.get("message") != null ? e.get("message").toString() : chunk.get("error").toString();
                continue;
            }
            for (Object choice : Json.list(chunk.get("choices"))) {
                String delta = Json.string(Json.map(Json.map(choice).get("delta")), "content");
                if (delta != null && !delta.isEmpty()) {
                    content.append(delta);
                    onDelta.accept(delta);
                }
            }
        }
        return new Result(content.toString(), cost, remaining, error, done);
    }

    private static BigDecimal decimal(String text) {
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
