package ai.dexto.gateway.cli.term;

import ai.dexto.gateway.cli.Env;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * Opens a URL in the user's browser where one can open, as the TypeScript CLI decides: not with
 * {@code BROWSER} set to none/false/0/www-browser, not under {@code CI}, not on Linux without
 * {@code DISPLAY}/{@code WAYLAND_DISPLAY}. {@code BROWSER} names the opener, else xdg-open / open.
 */
public final class Browser {
    private static final Set<String> BLOCKED = Set.of("none", "false", "0", "www-browser");

    private Browser() {
    }

    public static boolean canOpen(Env env) {
        String browser = env.get("BROWSER");
        if (browser != null && BLOCKED.contains(browser.toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (env.get("CI") != null) {
            return false;
        }
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
        return !linux || env.get("DISPLAY") != null || env.get("WAYLAND_DISPLAY") != null;
    }

    /** True when an opener was started; the URL is printed either way by the caller. */
    public static boolean open(Env env, String url) {
        if (!canOpen(env)) {
            return false;
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String opener = env.get("BROWSER") != null ? env.get("BROWSER")
                : os.contains("mac") ? "open" : os.contains("win") ? "explorer" : "xdg-open";
        try {
            new ProcessBuilder(opener, url).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
