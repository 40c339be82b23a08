package ai.dexto.gateway.cli.commands;

import ai.dexto.gateway.cli.CliException;
import ai.dexto.gateway.cli.Ctx;
import ai.dexto.gateway.cli.ExitCodes;
import ai.dexto.gateway.cli.http.ApiClient;
import ai.dexto.gateway.cli.json.Json;
import ai.dexto.gateway.cli.json.JsonOut;
import ai.dexto.gateway.cli.term.Browser;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dexto login}: the device flow (RFC 8628). Shows the user code and the approval URL (opening the
 * browser where one can open), polls at the server's interval (5 s more after each {@code slow_down}),
 * and stores the key it receives in {@code ~/.dexto/.env} and the session in {@code auth.json}.
 * {@code --with-token} reads an existing {@code dxt_} key from stdin instead.
 */
@Command(name = "login", description = "Sign in (device code approved in the browser), or --with-token < key.")
public final class LoginCommand implements Callable<Integer> {
    @Option(names = "--with-token", description = "Read a DEXTO_API_KEY (dxt_…) from standard input.")
    boolean withToken;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    private final Ctx ctx;

    public LoginCommand(Ctx ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> result = withToken ? withToken() : deviceFlow();
        if (json) {
            JsonOut.print(ctx.out, result);
        }
        if (ctx.env.apiKeyOverride() != null && !json) {
            ctx.err.println(ctx.style.yellow("note: DEXTO_API_KEY is set in your environment and wins over the saved key"));
        }
        return ExitCodes.OK;
    }

    private Map<String, Object> withToken() throws IOException {
        String line = ctx.in.readLine();
        String key = line == null ? "" : line.trim();
        if (!key.startsWith("dxt_")) {
            throw CliException.usage("--with-token reads a dxt_… key from standard input");
        }
        ApiClient.Reply r = ctx.http.get(ctx.account("/keys"), key);
        ctx.require(r, "Validating the key");
        String keyId = null;
        for (Object k : Json.list(r.json().get("keys"))) {
            Map<String, Object> m = Json.map(k);
            if ("active".equals(m.get("status")) && key.endsWith(Json.string(m, "key_display"))) {
                keyId = Json.string(m, "id");
                break;
            }
        }
        Map<String, Object> auth = ctx.credentials.authFile().load();
        auth.remove("token");
        auth.remove("expiresAt");
        auth.put("createdAt", System.currentTimeMillis());
        auth.put("dextoApiKey", key);
        auth.put("dextoKeyId", keyId);
        auth.put("dextoApiKeySource", "user-supplied");
        ctx.credentials.authFile().save(auth);
        ctx.credentials.envFile().setApiKey(key);
        if (!json) {
            ctx.out.println(ctx.style.green("✓ ") + "Key ••••" + last4(key) + " saved to " + ctx.credentials.envFile().path());
        }
        return result(null, null, keyId, key);
    }

    private Map<String, Object> deviceFlow() throws InterruptedException {
        ApiClient.Reply started = ctx.require(ctx.http.post(ctx.account("/api/auth/device/start"), null,
                "{\"client\":\"dexto-cli\"}"), "Starting the login");
        Map<String, Object> s = started.json();
        String deviceCode = Json.string(s, "deviceCode");
        String complete = Json.string(s, "verificationUriComplete");
        long interval = Math.max(1, Json.number(s, "interval", 5));
        long expiresIn = Json.number(s, "expiresIn", 600);
        // the prompt goes to stderr under --json, so stdout stays one JSON document
        java.io.PrintStream tell = json ? ctx.err : ctx.out;
        tell.println("User code: " + ctx.style.bold(Json.string(s, "userCode")));
        tell.println("Approve it at: " + ctx.style.cyan(complete != null ? complete : Json.string(s, "verificationUri")));
        if (Browser.open(ctx.env, complete)) {
            tell.println(ctx.style.dim("Opened your browser. Waiting for approval…"));
        } else {
            tell.println(ctx.style.dim("Open the link in a browser where you are signed in. Waiting for approval… "
                    + "(the code expires in " + Math.max(1, expiresIn / 60) + " min)"));
        }
        long deadline = System.currentTimeMillis() + expiresIn * 1000;
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(interval * 1000);
            ApiClient.Reply r = ctx.http.post(ctx.account("/api/auth/device/poll"), null,
                    "{\"deviceCode\":\"" + deviceCode + "\"}");
            if (r.ok()) {
                return save(r.json());
            }
            String error = Json.string(r.json(), "error");
            if (r.status() != 400 || error == null) {
                throw new CliException(ExitCodes.ERROR, "Login failed: " + r.errorMessage());
            }
            switch (error) {
                case "authorization_pending" -> { }
                case "slow_down" -> interval += 5;
                case "access_denied" -> throw new CliException(ExitCodes.ERROR, "Login was denied in the browser");
                case "expired_token" -> throw new CliException(ExitCodes.ERROR,
                        "The code expired before it was approved: run `dexto login` again");
                default -> throw new CliException(ExitCodes.ERROR, "Login failed: " + error + " ("
                        + r.errorMessage() + ")");
            }
        }
        throw new CliException(ExitCodes.ERROR, "The code expired before it was approved: run `dexto login` again");
    }

    private Map<String, Object> save(Map<String, Object> grant) {
        String key = Json.string(grant, "dextoApiKey");
        Map<String, Object> auth = new LinkedHashMap<>();
        if (grant.get("accessToken") != null) {
            auth.put("token", Json.string(grant, "accessToken"));
        }
        auth.put("userId", Json.string(grant, "userId"));
        if (grant.get("email") != null) {
            auth.put("email", Json.string(grant, "email"));
        }
        BigDecimal exp = Json.decimal(grant, "accessTokenExpiresAt");
        if (exp != null) {
            auth.put("expiresAt", exp.longValue() * 1000);
        }
        auth.put("createdAt", System.currentTimeMillis());
        auth.put("dextoApiKey", key);
        auth.put("dextoKeyId", Json.string(grant, "keyId"));
        auth.put("dextoApiKeySource", "provisioned");
        ctx.credentials.authFile().save(auth);
        ctx.credentials.envFile().setApiKey(key);
        if (!json) {
            String who = grant.get("email") != null ? Json.string(grant, "email") : Json.string(grant, "userId");
            ctx.out.println(ctx.style.green("✓ ") + "Signed in as " + ctx.style.bold(who) + ". Key ••••" + last4(key)
                    + " saved to " + ctx.credentials.envFile().path());
        }
        return result(Json.string(grant, "userId"), Json.string(grant, "email"), Json.string(grant, "keyId"), key);
    }

    private static Map<String, Object> result(String userId, String email, String keyId, String key) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("userId", userId);
        m.put("email", email);
        m.put("keyId", keyId);
        m.put("keyDisplay", last4(key));
        return m;
    }

    static String last4(String key) {
        return key == null || key.length() < 4 ? "" : key.substring(key.length() - 4);
    }
}
