package ai.dexto.gateway.cli.commands;

import ai.dexto.gateway.cli.Ctx;
import ai.dexto.gateway.cli.ExitCodes;
import ai.dexto.gateway.cli.json.Json;
import ai.dexto.gateway.cli.json.JsonOut;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dexto billing status}: the balance (green ≥ $10, yellow $1–10, red < $1), this month's
 * requests, cost and tokens, the top models, and the burn rate over the last 7 days with the days the
 * balance lasts at that rate.
 */
@Command(name = "status", description = "Balance, month-to-date usage, top models, burn rate and days left.")
public final class BillingStatus implements Callable<Integer> {
    private static final int TOP_MODELS = 3;

    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    private final Ctx ctx;

    public BillingStatus(Ctx ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        String key = ctx.credentials.apiKey();
        Map<String, Object> month = ctx.require(ctx.http.get(ctx.account("/me/usage?recent_limit=0"), key),
                "Reading usage").json();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant weekAgo = now.minus(Duration.ofDays(7));
        Map<String, Object> week = ctx.require(ctx.http.get(ctx.account("/me/usage?recent_limit=0&start=" + weekAgo
                + "&end=" + now.plusSeconds(1)), key), "Reading usage").json();

        BigDecimal balance = Json.decimal(month, "balance");
        BigDecimal weekCost = orZero(Json.decimal(week, "total_cost"));
        BigDecimal perDay = weekCost.divide(BigDecimal.valueOf(7), 8, RoundingMode.HALF_UP);
        BigDecimal daysLeft = perDay.signum() > 0 && balance != null && balance.signum() > 0
                ? balance.divide(perDay, 0, RoundingMode.DOWN) : null;

        List<Map<String, Object>> top = new ArrayList<>();
        for (Object o : Json.list(month.get("by_model"))) {
            Map<String, Object> m = Json.map(o);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", Json.string(m, "model"));
            row.put("requests", Json.number(m, "requests", 0));
            row.put("tokens", Json.number(m, "tokens", 0));
            row.put("costUsd", orZero(Json.decimal(m, "cost")));
            top.add(row);
        }
        top.sort((a, b) -> ((BigDecimal) b.get("costUsd")).compareTo((BigDecimal) a.get("costUsd")));
        top = top.subList(0, Math.min(TOP_MODELS, top.size()));

        Map<String, Object> mtd = new LinkedHashMap<>();
        mtd.put("requests", Json.number(month, "total_requests", 0));
        mtd.put("costUsd", orZero(Json.decimal(month, "total_cost")));
        mtd.put("tokens", Json.number(month, "total_tokens", 0));
        mtd.put("start", Json.string(month, "start"));
        Map<String, Object> burn = new LinkedHashMap<>();
        burn.put("costUsd", weekCost);
        burn.put("perDayUsd", perDay);
        burn.put("daysLeft", daysLeft);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("balanceUsd", balance);
        out.put("monthToDate", mtd);
        out.put("topModels", top);
        out.put("last7Days", burn);
        if (json) {
            JsonOut.print(ctx.out, out);
            return ExitCodes.OK;
        }
        ctx.out.println("Balance:     " + ctx.style.bold(colour(balance)));
        ctx.out.println("This month:  " + mtd.get("requests") + " requests · " + Usd.cost((BigDecimal) mtd.get("costUsd"))
                + " · " + mtd.get("tokens") + " tokens");
        if (top.isEmpty()) {
            ctx.out.println("Top models:  " + ctx.style.dim("none yet"));
        }
        for (int i = 0; i < top.size(); i++) {
            Map<String, Object> m = top.get(i);
            ctx.out.println((i == 0 ? "Top models:  " : "             ") + m.get("model") + "  "
                    + ctx.style.dim(m.get("requests") + " requests · " + Usd.cost((BigDecimal) m.get("costUsd"))));
        }
        ctx.out.println("Burn rate:   " + (perDay.signum() == 0 ? ctx.style.dim("nothing spent in the last 7 days")
                : Usd.cost(perDay) + "/day over the last 7 days · "
                        + (daysLeft == null ? "balance used up" : "about " + daysLeft.toPlainString() + " days left")));
        if (balance != null && balance.compareTo(Usd.LOW_BALANCE) < 0) {
            ctx.out.println(ctx.style.yellow("Top up at " + ctx.env.topUpUrl() + " or with `dexto billing topup`"));
        }
        return ExitCodes.OK;
    }

    private String colour(BigDecimal balance) {
        String text = Usd.cents(balance);
        if (balance == null) {
            return text;
        }
        if (balance.compareTo(Usd.GREEN) >= 0) {
            return ctx.style.green(text);
        }
        return balance.compareTo(Usd.LOW_BALANCE) >= 0 ? ctx.style.yellow(text) : ctx.style.red(text);
    }

    private static BigDecimal orZero(BigDecimal d) {
        return d == null ? BigDecimal.ZERO : d;
    }
}
