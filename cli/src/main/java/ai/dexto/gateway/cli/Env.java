package ai.dexto.gateway.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the CLI reads from its environment, in one place: where it keeps its files ({@code DEXTO_HOME},
 * default {@code ~/.dexto}), which API it talks to, and how the terminal wants its output.
 */
public final class Env {
    public static final String DEFAULT_API_URL = "https://api.dexto.ai";
    public static final String DEFAULT_DASHBOARD_URL = "https://dexto.ai";

    private final Map<String, String> vars;
    private final boolean stdoutIsTerminal;

    public Env(Map<String, String> vars, boolean stdoutIsTerminal) {
        this.vars = vars;
        this.stdoutIsTerminal = stdoutIsTerminal;
    }

    public String get(String name) {
        String value = vars.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    public Path home() {
        String home = get("DEXTO_HOME");
        return home != null ? Path.of(home) : Path.of(System.getProperty("user.home"), ".dexto");
    }

    /** Chat and models ({@code /v1}), and by default everything else. */
    public String apiUrl() {
        return stripSlash(get("DEXTO_API_URL") != null ? get("DEXTO_API_URL") : DEFAULT_API_URL);
    }

    /**
     * Account paths ({@code /api}, {@code /keys}, {@code /me}): the same public URL unless
     * {@code DEXTO_ACCOUNT_API_URL} points them elsewhere (a control plane reached directly).
     */
    public String accountUrl() {
        return get("DEXTO_ACCOUNT_API_URL") != null ? stripSlash(get("DEXTO_ACCOUNT_API_URL")) : apiUrl();
    }

    /** Where users top up: {@code <DEXTO_DASHBOARD_URL>/billing}. */
    public String topUpUrl() {
        return stripSlash(get("DEXTO_DASHBOARD_URL") != null ? get("DEXTO_DASHBOARD_URL") : DEFAULT_DASHBOARD_URL)
                + "/billing";
    }

    /** An environment {@code DEXTO_API_KEY} wins over the stored one. */
    public String apiKeyOverride() {
        return get("DEXTO_API_KEY");
    }

    /** Colour only on a terminal; {@code NO_COLOR} turns it off, {@code CLICOLOR_FORCE} on. */
    public boolean colour() {
        if (vars.get("NO_COLOR") != null && !vars.get("NO_COLOR").isEmpty()) {
            return false;
        }
        String force = get("CLICOLOR_FORCE");
        if (force != null && !force.equals("0")) {
            return true;
        }
        return stdoutIsTerminal && !"dumb".equals(get("TERM"));
    }

    public boolean interactive() {
        return stdoutIsTerminal;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
