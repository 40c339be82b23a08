package ai.dexto.gateway.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * One headless Chromium for every dashboard test of a run: Debian's {@code /usr/bin/chromium}, driven
 * by Playwright over the machine's Node (nothing is downloaded). Each test gets a fresh context (its
 * own storage) watched by a {@link PageWatch}. Closed when the test JVM exits.
 */
final class DashboardBrowser {
    static final Path CHROMIUM = Paths.get(System.getProperty("dexto.chromium", "/usr/bin/chromium"));
    /** Test output: screenshots, downloads and the measured page weights. */
    static final Path OUT = Paths.get("target", "dashboard");

    private static Playwright playwright;
    private static Browser browser;

    private DashboardBrowser() {
    }

    static synchronized Browser get() throws Exception {
        if (browser == null) {
            if (!Files.isExecutable(CHROMIUM)) {
                throw new IllegalStateException(CHROMIUM + " is missing: apt-get install -y chromium (.ci/run does)");
            }
            Files.createDirectories(OUT);
            playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of(
                    "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1",
                    "PLAYWRIGHT_NODEJS_PATH", System.getProperty("dexto.node", "/usr/bin/node"))));
            browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(CHROMIUM).setHeadless(true)
                    .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync")));
            Playwright started = playwright;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "dashboard-browser-stop"));
        }
        return browser;
    }

    /** A new context for one test: a 1280×900 window, downloads accepted, the clipboard usable. */
    static PageWatch context(LocalSystem system) throws Exception {
        BrowserContext context = get().newContext(new Browser.NewContextOptions()
                .setViewportSize(1280, 900).setAcceptDownloads(true));
        context.grantPermissions(List.of("clipboard-read", "clipboard-write"),
                new BrowserContext.GrantPermissionsOptions().setOrigin(system.dashboardUrl()));
        context.setDefaultTimeout(15_000);
        return new PageWatch(context, system);
    }
}
