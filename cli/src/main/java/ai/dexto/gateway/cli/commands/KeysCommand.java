package ai.dexto.gateway.cli.commands;

import ai.dexto.gateway.cli.CliException;
import ai.dexto.gateway.cli.Ctx;
import ai.dexto.gateway.cli.ExitCodes;
import ai.dexto.gateway.cli.http.ApiClient;
import ai.dexto.gateway.cli.json.Json;
import ai.dexto.gateway.cli.json.JsonOut;
import ai.dexto.gateway.cli.term.Table;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dexto keys list|rotate|revoke}: the account's API keys. Rotating and revoking need the session. */
@Command(name = "keys", description = "List, rotate and revoke your API keys.",
        subcommands = {KeysCommand.ListKeys.class, KeysCommand.Rotate.class, KeysCommand.Revoke.class})
public final class KeysCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", description = "id, name, ••••last4, status, created, last used.")
    public static final class ListKeys implements Callable<Integer> {
        @Option(names = "--json", description = "Print the keys as JSON.")
        boolean json;
        private final Ctx ctx;

        public ListKeys(Ctx ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Map<String, Object> body = ctx.require(ctx.http.get(ctx.account("/keys"), ctx.credentials.apiKey()),
                    "Listing keys").json();
            List<Map<String, Object>> keys = new ArrayList<>();
            for (Object k : Json.list(body.get("keys"))) {
                Map<String, Object> m = Json.map(k);
                Map<String, Object> key = new LinkedHashMap<>();
                key.put("id", Json.number(m, "id", 0));
                key.put("name", Json.string(m, "name"));
                key.put("keyDisplay", Json.string(m, "key_display"));
                key.put("status", Json.string(m, "status"));
                key.put("createdAt", Json.string(m, "created_at"));
                key.put("lastUsedAt", Json.string(m, "last_used_at"));
                keys.add(key);
            }
            if (json) {
                JsonOut.print(ctx.out, Map.of("keys", keys));
                return ExitCodes.OK;
            }
            Table table = new Table("ID", "NAME", "KEY", "STATUS", "CREATED", "LAST USED");
            for (Map<String, Object> k : keys) {
                String status = (String) k.get("status");
                table.row(k.get("id").toString(), (String) k.get("name"), "••••" + k.get("keyDisplay"),
                        "active".equals(status) ? ctx.style.green(status) : ctx.style.dim(status),
                        day((String) k.get("createdAt")), k.get("lastUsedAt") == null ? "never" : day((String) k.get("lastUsedAt")));
            }
            table.print(ctx.out, ctx.style);
            return ExitCodes.OK;
        }
    }

    @Command(name = "rotate", description = "Issue a new key (shown once), revoke the old one, update ~/.dexto/.env.")
    public static final class Rotate implements Callable<Integer> {
        @Option(names = "--json", description = "Print the new key as JSON.")
        boolean json;
        private final Ctx ctx;

        public Rotate(Ctx ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            String session = ctx.credentials.session("Rotating a key");
            Map<String, Object> r = ctx.require(ctx.http.post(ctx.account("/keys/rotate"), session, "{}"),
                    "Rotating the key").json();
            String key = Json.string(r, "dextoApiKey");
            Map<String, Object> auth = ctx.credentials.authFile().load();
            auth.put("dextoApiKey", key);
            auth.put("dextoKeyId", Json.string(r, "keyId"));
            auth.put("dextoApiKeySource", "provisioned");
            ctx.credentials.authFile().save(auth);
            ctx.credentials.envFile().setApiKey(key);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("dextoApiKey", key);
            out.put("keyId", Json.number(r, "keyId", 0));
            out.put("keyDisplay", LoginCommand.last4(key));
            out.put("revokedKeyId", r.get("revokedKeyId") == null ? null : Json.number(r, "revokedKeyId", 0));
            if (json) {
                JsonOut.print(ctx.out, out);
                return ExitCodes.OK;
            }
            ctx.out.println(ctx.style.green("✓ ") + "New key (shown once): " + ctx.style.bold(key));
            ctx.out.println("Saved to " + ctx.credentials.envFile().path()
                    + (out.get("revokedKeyId") != null ? "; key " + out.get("revokedKeyId") + " is revoked." : "."));
            if (ctx.env.apiKeyOverride() != null) {
                ctx.err.println(ctx.style.yellow("note: DEXTO_API_KEY in your environment still holds the old key"));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", description = "Revoke a key by id (asks first unless --yes).")
    public static final class Revoke implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID", description = "The key's id (dexto keys list).")
        long id;
        @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
        boolean yes;
        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;
        private final Ctx ctx;

        public Revoke(Ctx ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() throws IOException {
            String session = ctx.credentials.session("Revoking a key");
            if (!yes) {
                if (!ctx.env.interactive()) {
                    throw CliException.usage("Revoking key " + id + " needs confirmation: add --yes");
                }
                ctx.out.print("Revoke key " + id + "? Requests with it will be refused at once. [y/N] ");
                ctx.out.flush();
                String answer = ctx.in.readLine();
                if (answer == null || !answer.trim().toLowerCase(java.util.Locale.ROOT).startsWith("y")) {
                    ctx.out.println("Kept.");
                    return ExitCodes.ERROR;
                }
            }
            ApiClient.Reply r = ctx.http.send("DELETE", ctx.account("/keys/" + id), session, null, Map.of());
            if (r.status() == 404) {
                throw new CliException(ExitCodes.ERROR, "No key " + id + " on this account");
            }
            ctx.require(r, "Revoking the key");
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("id", id);
                out.put("status", "revoked");
                JsonOut.print(ctx.out, out);
            } else {
                ctx.out.println(ctx.style.green("✓ ") + "Key " + id + " revoked.");
            }
            return ExitCodes.OK;
        }
    }

    static String day(String iso) {
        return iso == null ? "" : iso.length() >= 16 ? iso.substring(0, 16).replace('T', ' ') : iso;
    }
}
