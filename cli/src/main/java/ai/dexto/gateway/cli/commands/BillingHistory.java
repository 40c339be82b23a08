package ai.dexto.gateway.cli.commands;

import ai.dexto.gateway.cli.CliException;
import ai.dexto.gateway.cli.Ctx;
import ai.dexto.gateway.cli.ExitCodes;
import ai.dexto.gateway.cli.http.ApiClient;
import ai.dexto.gateway.cli.json.Json;
import ai.dexto.gateway.cli.json.JsonOut;
import ai.dexto.gateway.cli.term.Table;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dexto billing history}: requests newest first (timestamp, model, tokens in/out, cost), pages
 * of up to 100 followed through the API's cursor; {@code --csv FILE} writes the full export instead.
 */
@Command(name = "history", description = "Recent requests: time, model, tokens in/out, cost.")
public final class BillingHistory implements Callable<Integer> {
    private static final int PAGE = 100;

    @Option(names = "--limit", defaultValue = "20", description = "How many requests (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--since", description = "From this date (2026-11-01) or instant; default: 90 days ago.")
    String since;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the CSV export of the range to FILE (- for stdout).")
    String csv;

    @Option(names = "--json", description = "Print the requests as JSON.")
    boolean json;

    private final Ctx ctx;

    public BillingHistory(Ctx ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        if (limit < 1) {
            throw CliException.usage("--limit must be at least 1");
        }
        String key = ctx.credentials.apiKey();
        String start = URLEncoder.encode(start().toString(), StandardCharsets.UTF_8);
        if (csv != null) {
            ApiClient.Reply r = ctx.require(ctx.http.get(ctx.account("/me/usage.csv?start=" + start), key), "Exporting");
            if (csv.equals("-")) {
                ctx.out.print(r.body());
                ctx.out.flush();
            } else {
                Files.writeString(Path.of(csv), r.body(), StandardCharsets.UTF_8);
                ctx.err.println("Wrote " + (r.body().split("\n", -1).length - 2) + " requests to " + csv);
            }
            return ExitCodes.OK;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        String cursor = null;
        do {
            int want = Math.min(PAGE, limit - rows.size());
            String url = ctx.account("/me/usage?start=" + start + "&recent_limit=" + want
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            Map<String, Object> page = ctx.require(ctx.http.get(url, key), "Reading usage").json();
            for (Object o : Json.list(page.get("recent"))) {
                rows.add(row(Json.map(o)));
            }
            cursor = Json.string(page, "next_cursor");
        } while (cursor != null && rows.size() < limit);

        if (json) {
            JsonOut.print(ctx.out, Map.of("requests", rows));
            return ExitCodes.OK;
        }
        Table table = new Table("TIME (UTC)", "MODEL", "TOKENS IN", "TOKENS OUT", "COST");
        for (Map<String, Object> r : rows) {
            table.row(KeysCommand.day((String) r.get("completedAt")), (String) r.get("model"),
                    r.get("promptTokens").toString(), r.get("completionTokens").toString(),
                    Usd.cost((BigDecimal) r.get("costUsd")));
        }
        if (table.isEmpty()) {
            ctx.out.println(ctx.style.dim("No requests since " + start() + "."));
        } else {
            table.print(ctx.out, ctx.style);
        }
        return ExitCodes.OK;
    }

    private Instant start() {
        if (since == null) {
            return Instant.now().minus(Duration.ofDays(90)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        }
        try {
            return since.length() == 10 ? LocalDate.parse(since).atStartOfDay().toInstant(java.time.ZoneOffset.UTC)
                    : Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw CliException.usage("--since must be a date (2026-11-01) or an instant (2026-11-01T10:00:00Z)");
        }
    }

    private static Map<String, Object> row(Map<String, Object> m) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("requestId", Json.string(m, "request_id"));
        r.put("completedAt", Json.string(m, "completed_at"));
        r.put("model", Json.string(m, "model"));
        r.put("promptTokens", Json.number(m, "prompt_tokens", 0));
        r.put("completionTokens", Json.number(m, "completion_tokens", 0));
        r.put("costUsd", Json.decimal(m, "cost") == null ? BigDecimal.ZERO : Json.decimal(m, "cost"));
        r.put("status", Json.string(m, "status"));
        r.put("sessionId", Json.string(m, "session_id"));
        return r;
    }
}
