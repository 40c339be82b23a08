package ai.dexto.gateway.cli.commands;

import ai.dexto.gateway.cli.Ctx;
import ai.dexto.gateway.cli.ExitCodes;
import ai.dexto.gateway.cli.json.Json;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code dexto logout}: removes what login wrote, nothing else: {@code auth.json}, and the
 * {@code DEXTO_API_KEY} line of {@code ~/.dexto/.env} only while it still holds the key login stored
 * (a key the user put there by hand stays). The key itself stays valid: {@code dexto keys revoke}.
 */
@Command(name = "logout", description = "Forget the saved session and the key login saved.")
public final class LogoutCommand implements Callable<Integer> {
    private final Ctx ctx;

    public LogoutCommand(Ctx ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Map<String, Object> auth = ctx.credentials.authFile().load();
        if (auth.isEmpty()) {
            ctx.out.println("Not signed in.");
            return ExitCodes.OK;
        }
        boolean removedKey = ctx.credentials.envFile().removeApiKeyIf(Json.string(auth, "dextoApiKey"));
        ctx.credentials.authFile().delete();
        ctx.out.println(ctx.style.green("✓ ") + "Signed out: removed " + ctx.credentials.authFile().path()
                + (removedKey ? " and the key line of " + ctx.credentials.envFile().path() : ""));
        return ExitCodes.OK;
    }
}
