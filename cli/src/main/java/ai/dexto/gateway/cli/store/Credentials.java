package ai.dexto.gateway.cli.store;

import ai.dexto.gateway.cli.CliException;
import ai.dexto.gateway.cli.Env;
import ai.dexto.gateway.cli.json.Json;
import java.util.Map;

/**
 * Which key and session a command uses. The key: an environment {@code DEXTO_API_KEY} first, then
 * {@code ~/.dexto/.env}, then {@code auth.json}. The session (for key management): {@code auth.json}'s
 * {@code token} while it has not expired.
 */
public final class Credentials {
    private final Env env;
    private final AuthFile auth;
    private final EnvFile dotEnv;

    public Credentials(Env env) {
        this.env = env;
        this.auth = new AuthFile(env.home());
        this.dotEnv = new EnvFile(env.home());
    }

    public AuthFile authFile() {
        return auth;
    }

    public EnvFile envFile() {
        return dotEnv;
    }

    /** Where the key in use comes from: {@code environment}, {@code .env}, {@code auth.json}, or null. */
    public String keySource() {
        if (env.apiKeyOverride() != null) {
            return "environment";
        }
        if (dotEnv.apiKey() != null) {
            return ".env";
        }
        return Json.string(auth.load(), "dextoApiKey") != null ? "auth.json" : null;
    }

    public String apiKeyOrNull() {
        if (env.apiKeyOverride() != null) {
            return env.apiKeyOverride();
        }
        String fromFile = dotEnv.apiKey();
        return fromFile != null ? fromFile : Json.string(auth.load(), "dextoApiKey");
    }

    public String apiKey() {
        String key = apiKeyOrNull();
        if (key == null) {
            throw CliException.notSignedIn("Not signed in: run `dexto login` (or set DEXTO_API_KEY)");
        }
        return key;
    }

    /** The stored session token, if it has not expired (a minute of slack), else a not-signed-in failure. */
    public String session(String purpose) {
        Map<String, Object> config = auth.load();
        String token = Json.string(config, "token");
        long expiresAt = Json.number(config, "expiresAt", 0);
        if (token == null) {
            throw CliException.notSignedIn(purpose + " needs a signed-in session: run `dexto login`");
        }
        if (expiresAt != 0 && expiresAt < System.currentTimeMillis() + 60_000) {
            throw CliException.notSignedIn("Your session has expired; " + purpose.toLowerCase()
                    + " needs a fresh one: run `dexto login`");
        }
        return token;
    }
}
