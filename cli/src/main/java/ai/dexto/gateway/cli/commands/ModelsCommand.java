package ai.dexto.gateway.cli.commands;

import ai.dexto.gateway.cli.Ctx;
import ai.dexto.gateway.cli.ExitCodes;
import ai.dexto.gateway.cli.json.Json;
import ai.dexto.gateway.cli.json.JsonOut;
import ai.dexto.gateway.cli.term.Table;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dexto models}: id, context length, prompt and completion price per million tokens; {@code --search}. */
@Command(name = "models", description = "Models you can use, with context length and prices per 1M tokens.")
public final class ModelsCommand implements Callable<Integer> {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    @Option(names = "--search", paramLabel = "TEXT", description = "Only models whose id or name contains TEXT.")
    String search;

    @Option(names = "--json", description = "Print the models as JSON.")
    boolean json;

    private final Ctx ctx;

    public ModelsCommand(Ctx ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Map<String, Object> body = ctx.require(ctx.http.get(ctx.api("/v1/models"), null), "Listing models").json();
        String needle = search == null ? null : search.toLowerCase(Locale.ROOT);
        List<Map<String, Object>> models = new ArrayList<>();
        for (Object o : Json.list(body.get("data"))) {
            Map<String, Object> m = Json.map(o);
            String id = Json.string(m, "id");
            String name = Json.string(m, "name");
            if (needle != null && !(id + " " + name).toLowerCase(Locale.ROOT).contains(needle)) {
                continue;
            }
            Map<String, Object> pricing = Json.map(m.get("pricing"));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", id);
            row.put("name", name);
            row.put("contextLength", Json.number(m, "context_length", 0));
            row.put("promptPerMillionUsd", perMillion(Json.decimal(pricing, "prompt")));
            row.put("completionPerMillionUsd", perMillion(Json.decimal(pricing, "completion")));
            models.add(row);
        }
        if (json) {
            JsonOut.print(ctx.out, Map.of("models", models));
            return ExitCodes.OK;
        }
        Table table = new Table("MODEL", "CONTEXT", "PROMPT $/1M", "COMPLETION $/1M");
        for (Map<String, Object> m : models) {
            table.row((String) m.get("id"), m.get("contextLength").toString(),
                    price((BigDecimal) m.get("promptPerMillionUsd")), price((BigDecimal) m.get("completionPerMillionUsd")));
        }
        if (table.isEmpty()) {
            ctx.out.println(ctx.style.dim("No model matches \"" + search + "\"."));
        } else {
            table.print(ctx.out, ctx.style);
        }
        return ExitCodes.OK;
    }

    private static BigDecimal perMillion(BigDecimal perToken) {
        return perToken == null ? null : perToken.multiply(MILLION).stripTrailingZeros();
    }

    private static String price(BigDecimal d) {
        if (d == null) {
            return "?";
        }
        return "$" + (d.scale() < 2 ? d.setScale(2) : d).toPlainString();
    }
}
