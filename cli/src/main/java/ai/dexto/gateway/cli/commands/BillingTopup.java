package ai.dexto.gateway.cli.commands;

import ai.dexto.gateway.cli.CliException;
import ai.dexto.gateway.cli.Ctx;
import ai.dexto.gateway.cli.ExitCodes;
import ai.dexto.gateway.cli.json.Json;
import ai.dexto.gateway.cli.json.JsonOut;
import ai.dexto.gateway.cli.term.Browser;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dexto billing topup [5|10|25|50|100]}: creates a Checkout Session, opens (or prints) its URL,
 * and waits until the payment's transaction completes and the new balance shows.
 */
@Command(name = "topup", description = "Buy a credit pack: opens Stripe Checkout and waits for the new balance.")
public final class BillingTopup implements Callable<Integer> {
    private static final Set<Integer> PACKS = Set.of(5, 10, 25, 50, 100);

    @Parameters(index = "0", defaultValue = "10", paramLabel = "USD", description = "5, 10, 25, 50 or 100 (default: ${DEFAULT-VALUE}).")
    int amount;

    @Option(names = "--timeout", defaultValue = "900", description = "Seconds to wait for the payment (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--no-wait", description = "Print the checkout URL and return.")
    boolean noWait;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    private final Ctx ctx;

    public BillingTopup(Ctx ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (!PACKS.contains(amount)) {
            throw CliException.usage("Credit packs are 5, 10, 25, 50 or 100 (USD), not " + amount);
        }
        String key = ctx.credentials.apiKey();
        BigDecimal before = Json.decimal(ctx.require(ctx.http.get(ctx.account("/me/usage?recent_limit=0"), key),
                "Reading the balance").json(), "balance");
        Map<String, Object> session = ctx.require(ctx.http.post(ctx.account("/api/stripe/create-checkout-session"), key,
                "{\"amount_usd\":" + amount + "}"), "Creating the checkout").json();
        String url = Json.string(session, "sessionUrl");
        String transactionId = Json.string(session, "transactionId");
        java.io.PrintStream tell = json ? ctx.err : ctx.out;
        tell.println("Pay " + Usd.cents(BigDecimal.valueOf(amount)) + " at: " + ctx.style.cyan(url));
        if (Browser.open(ctx.env, url)) {
            tell.println(ctx.style.dim("Opened your browser."));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("amountUsd", BigDecimal.valueOf(amount));
        out.put("checkoutUrl", url);
        out.put("transactionId", transactionId);
        out.put("balanceBeforeUsd", before);
        if (noWait) {
            out.put("status", "pending");
            out.put("balanceUsd", before);
            finish(out);
            return ExitCodes.OK;
        }
        tell.println(ctx.style.dim("Waiting for the payment… (Ctrl-C to stop waiting; the payment still counts)"));
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        String status = "pending";
        while (System.currentTimeMillis() < deadline) {
            status = transactionStatus(key, transactionId);
            if (!status.equals("pending")) {
                break;
            }
            Thread.sleep(1000);
        }
        if (!status.equals("completed")) {
            throw new CliException(ExitCodes.ERROR, status.equals("pending")
                    ? "No payment within " + timeoutSeconds + " s; the checkout stays open at " + url
                    : "The payment did not go through (" + status + ")");
        }
        BigDecimal after = Json.decimal(ctx.require(ctx.http.get(ctx.account("/me/usage?recent_limit=0"), key),
                "Reading the balance").json(), "balance");
        out.put("status", status);
        out.put("balanceUsd", after);
        finish(out);
        return ExitCodes.OK;
    }

    private String transactionStatus(String key, String transactionId) {
        Map<String, Object> list = ctx.require(ctx.http.get(ctx.account("/me/transactions"), key),
                "Reading transactions").json();
        for (Object o : Json.list(list.get("transactions"))) {
            Map<String, Object> t = Json.map(o);
            if (transactionId != null && transactionId.equals(Json.string(t, "id"))) {
                return Json.string(t, "status");
            }
        }
        return "pending";
    }

    private void finish(Map<String, Object> out) {
        if (json) {
            JsonOut.print(ctx.out, out);
        } else if ("completed".equals(out.get("status"))) {
            ctx.out.println(ctx.style.green("✓ ") + "Paid. Balance: " + Usd.cents((BigDecimal) out.get("balanceBeforeUsd"))
                    + " → " + ctx.style.bold(Usd.cents((BigDecimal) out.get("balanceUsd"))));
        }
    }
}
