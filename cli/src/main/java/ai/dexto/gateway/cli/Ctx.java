package ai.dexto.gateway.cli;

import ai.dexto.gateway.cli.http.ApiClient;
import ai.dexto.gateway.cli.store.Credentials;
import ai.dexto.gateway.cli.term.Style;
import java.io.BufferedReader;
import java.io.PrintStream;

/** What every command is handed: the environment, its streams, styles, HTTP and credentials. */
public final class Ctx {
    public final Env env;
    public final PrintStream out;
    public final PrintStream err;
    public final BufferedReader in;
    public final Style style;
    public final ApiClient http;
    public final Credentials credentials;

    public Ctx(Env env, PrintStream out, PrintStream err, BufferedReader in) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.in = in;
        this.style = new Style(env.colour());
        this.http = new ApiClient();
        this.credentials = new Credentials(env);
    }

    /** {@code …/api/…}, {@code /keys}, {@code /me}: the account API. */
    public String account(String path) {
        return env.accountUrl() + path;
    }

    /** {@code /v1/…}: chat and models. */
    public String api(String path) {
        return env.apiUrl() + path;
    }

    /** Fails with the right exit code for an error answer (401 → 4, else 1). */
    public ApiClient.Reply require(ApiClient.Reply reply, String what) {
        if (reply.ok()) {
            return reply;
        }
        if (reply.status() == 401) {
            throw CliException.notSignedIn(what + ": not signed in or the key is no longer valid (" + reply.errorMessage()
                    + "): run `dexto login`");
        }
        if (reply.status() == 402) {
            throw new CliException(ExitCodes.INSUFFICIENT_CREDITS, what + ": " + reply.errorMessage());
        }
        throw new CliException(ExitCodes.ERROR, what + " failed: " + reply.errorMessage());
    }
}
