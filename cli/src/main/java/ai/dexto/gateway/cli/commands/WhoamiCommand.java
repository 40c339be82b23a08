package ai.dexto.gateway.cli.commands;

import ai.dexto.gateway.cli.Ctx;
import ai.dexto.gateway.cli.ExitCodes;
import ai.dexto.gateway.cli.json.Json;
import ai.dexto.gateway.cli.json.JsonOut;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dexto whoami}: who the key in use belongs to, where it comes from, and the balance (checked live). */
@Command(name = "whoami", description = "Show the signed-in account, the key in use and the balance.")
public final class WhoamiCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    private final Ctx ctx;

    public WhoamiCommand(Ctx ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        String key = ctx.credentials.apiKey();
        Map<String, Object> usage = ctx.require(ctx.http.get(ctx.account("/me/usage?recent_limit=0"), key),
                "Checking the key").json();
        Map<String, Object> auth = ctx.credentials.authFile().load();
        BigDecimal balance = Json.decimal(usage, "balance");
        long expiresAt = Json.number(auth, "expiresAt", 0);
        boolean storedKey = key.equals(Json.string(auth, "dextoApiKey"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("email", storedKey ? Json.string(auth, "email") : null);
        out.put("userId", storedKey ? Json.string(auth, "userId") : null);
        out.put("keyDisplay", LoginCommand.last4(key));
        out.put("keySource", ctx.credentials.keySource());
        out.put("apiUrl", ctx.env.apiUrl());
        out.put("balanceUsd", balance);
        out.put("sessionExpiresAt", expiresAt == 0 ? null : Instant.ofEpochMilli(expiresAt).toString());
        if (json) {
            JsonOut.print(ctx.out, out);
            return ExitCodes.OK;
        }
        String who = out.get("email") != null ? (String) out.get("email")
                : out.get("userId") != null ? (String) out.get("userId") : "the owner of this key";
        ctx.out.println("Signed in as " + ctx.style.bold(who));
        ctx.out.println("Key:     ••••" + out.get("keyDisplay") + ctx.style.dim(" (from " + out.get("keySource") + ")"));
        ctx.out.println("API:     " + ctx.env.apiUrl());
        ctx.out.println("Balance: " + Usd.cents(balance));
        if (expiresAt != 0) {
            boolean live = expiresAt > System.currentTimeMillis();
            ctx.out.println("Session: " + (live ? "valid until " + out.get("sessionExpiresAt")
                    : ctx.style.yellow("expired (key management needs `dexto login`)")));
        }
        return ExitCodes.OK;
    }
}
