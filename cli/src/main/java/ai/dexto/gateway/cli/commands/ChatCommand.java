package ai.dexto.gateway.cli.commands;

import ai.dexto.gateway.cli.CliException;
import ai.dexto.gateway.cli.Ctx;
import ai.dexto.gateway.cli.ExitCodes;
import ai.dexto.gateway.cli.http.ApiClient;
import ai.dexto.gateway.cli.json.Json;
import ai.dexto.gateway.cli.json.JsonOut;
import ai.dexto.gateway.cli.store.CliState;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dexto chat [PROMPT]}: one question, or a prompt loop without one. Streams the answer through
 * the gateway with an {@code X-Dexto-Session-ID}, then a dim line with the request's cost and the balance
 * after it. Below $1.00 the plan's warning appears once per chat session, and at most once an hour
 * across one-shot calls; a 402 prints the plan's message and exits 5. Cost, balance and warnings go to
 * stderr, so the answer alone can be piped.
 */
@Command(name = "chat", description = "Chat through the gateway: dexto chat \"hello\", or a prompt loop without a prompt.")
public final class ChatCommand implements Callable<Integer> {
    static final long WARN_EVERY_MILLIS = 3_600_000;
    private static final Pattern DOLLARS = Pattern.compile("\\$(-?[0-9]+(?:\\.[0-9]+)?)");

    @Parameters(index = "0", arity = "0..1", paramLabel = "PROMPT", description = "The question; none: a prompt loop.")
    String prompt;

    @Option(names = {"-m", "--model"}, description = "Model id (default: $DEXTO_MODEL, else openai/gpt-4o-mini).")
    String model;

    @Option(names = "--max-tokens", description = "Cap the answer's length.")
    Integer maxTokens;

    @Option(names = "--json", description = "One-shot only: print {model, content, costUsd, balanceUsd, …} as JSON.")
    boolean json;

    private final Ctx ctx;
    private final String sessionId = UUID.randomUUID().toString();
    private boolean warnedThisSession;

    public ChatCommand(Ctx ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        String key = ctx.credentials.apiKey();
        String useModel = model != null ? model : ctx.env.get("DEXTO_MODEL") != null ? ctx.env.get("DEXTO_MODEL")
                : "openai/gpt-4o-mini";
        List<Map<String, Object>> messages = new ArrayList<>();
        if (prompt != null) {
            Exchange e = ask(key, useModel, messages, prompt, !json);
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("model", useModel);
                out.put("content", e.result.content());
                out.put("costUsd", e.result.cost());
                out.put("balanceUsd", e.balance);
                out.put("requestId", e.requestId);
                out.put("sessionId", sessionId);
                JsonOut.print(ctx.out, out);
            }
            return ExitCodes.OK;
        }
        if (json) {
            throw CliException.usage("--json needs a PROMPT (one-shot)");
        }
        if (ctx.env.interactive()) {
            ctx.err.println(ctx.style.dim("Chatting with " + useModel + ". Ctrl-D or /exit to leave."));
        }
        while (true) {
            if (ctx.env.interactive()) {
                ctx.out.print(ctx.style.bold("> "));
                ctx.out.flush();
            }
            String line = ctx.in.readLine();
            if (line == null || line.trim().equals("/exit")) {
                return ExitCodes.OK;
            }
            if (!line.isBlank()) {
                ask(key, useModel, messages, line, true);
            }
        }
    }

    private record Exchange(ChatStream.Result result, BigDecimal balance, String requestId) {
    }

    private Exchange ask(String key, String useModel, List<Map<String, Object>> messages, String text, boolean show)
            throws IOException {
        messages.add(message("user", text));
        HttpURLConnection c = ctx.http.open("POST", ctx.api("/v1/chat/completions"), key,
                body(useModel, messages), Map.of("X-Dexto-Session-ID", sessionId, "Accept", "text/event-stream"));
        int status;
        try {
            status = c.getResponseCode();
        } catch (IOException e) {
            throw ApiClient.unreachable(ctx.api("/v1/chat/completions"), e);
        }
        if (status != 200) {
            ApiClient.Reply reply = new ApiClient.Reply(status, c.getErrorStream() == null ? ""
                    : ApiClient.readAll(c.getErrorStream()), c);
            if (status == 402) {
                throw insufficient(key, reply.errorMessage());
            }
            ctx.require(reply, "Chat");
        }
        ChatStream.Result result;
        try (InputStream in = c.getInputStream()) {
            result = ChatStream.read(in, delta -> {
                if (show) {
                    ctx.out.print(delta);
                    ctx.out.flush();
                }
            });
        }
        if (show) {
            ctx.out.println();
        }
        if (result.error() != null) {
            throw new CliException(ExitCodes.ERROR, "The answer broke off: " + result.error());
        }
        messages.add(message("assistant", result.content()));
        // the in-stream value is the balance after this request; the header left before the cost was known
        BigDecimal balance = result.creditsRemaining() != null ? result.creditsRemaining()
                : Json.decimal(headerMap(c, "X-Dexto-Credits-Remaining"), "value");
        if (show) {
            ctx.err.println(ctx.style.dim("cost " + Usd.cost(result.cost()) + " · balance " + Usd.cents(balance)));
        }
        warnIfLow(balance);
        return new Exchange(result, balance, c.getHeaderField("X-Dexto-Request-ID"));
    }

    private void warnIfLow(BigDecimal balance) {
        if (balance == null || balance.compareTo(Usd.LOW_BALANCE) >= 0 || warnedThisSession) {
            return;
        }
        CliState state = new CliState(ctx.env.home());
        long now = System.currentTimeMillis();
        if (prompt != null && now - state.lowBalanceWarnedAt() < WARN_EVERY_MILLIS) {
            return;
        }
        warnedThisSession = true;
        state.lowBalanceWarned(now);
        ctx.err.println(ctx.style.yellow("⚠️  Low balance: " + Usd.cents(balance) + " remaining. Top up at "
                + ctx.env.topUpUrl()));
    }

    private CliException insufficient(String key, String message) {
        BigDecimal remaining = null;
        Matcher m = DOLLARS.matcher(message == null ? "" : message);
        if (m.find()) {
            remaining = new BigDecimal(m.group(1));
        } else {
            ApiClient.Reply usage = ctx.http.get(ctx.account("/me/usage?recent_limit=0"), key);
            remaining = usage.ok() ? Json.decimal(usage.json(), "balance") : null;
        }
        return new CliException(ExitCodes.INSUFFICIENT_CREDITS, "Insufficient credits (" + Usd.cents(remaining)
                + " remaining). Top up at " + ctx.env.topUpUrl());
    }

    private static Map<String, Object> headerMap(HttpURLConnection c, String name) {
        String value = c.getHeaderField(name);
        return value == null ? Map.of() : Map.of("value", value);
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    private String body(String useModel, List<Map<String, Object>> messages) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("model", useModel);
            g.writeBooleanField("stream", true);
            if (maxTokens != null) {
                g.writeNumberField("max_tokens", maxTokens);
            }
            g.writeArrayFieldStart("messages");
            for (Map<String, Object> m : messages) {
                g.writeStartObject();
                g.writeStringField("role", (String) m.get("role"));
                g.writeStringField("content", (String) m.get("content"));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return w.toString();
    }
}
