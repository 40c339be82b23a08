package ai.dexto.gateway.cli.term;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.cli.Env;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BrowserTest {
    @Test
    void noBrowserWhenToldNotToInCiOrOnLinuxWithoutADisplay() {
        assertFalse(Browser.canOpen(new Env(Map.of("BROWSER", "none", "DISPLAY", ":0"), true)));
        assertFalse(Browser.canOpen(new Env(Map.of("CI", "true", "DISPLAY", ":0"), true)));
        if (System.getProperty("os.name").toLowerCase().contains("linux")) {
            assertFalse(Browser.canOpen(new Env(Map.of(), true)));
            assertTrue(Browser.canOpen(new Env(Map.of("WAYLAND_DISPLAY", "wayland-0"), true)));
        }
    }

    @Test
    void colourFollowsTheTerminalNoColorAndCliColorForce() {
        assertTrue(new Env(Map.of(), true).colour());
        assertFalse(new Env(Map.of(), false).colour());
        assertFalse(new Env(Map.of("NO_COLOR", "1"), true).colour());
        assertTrue(new Env(Map.of("CLICOLOR_FORCE", "1"), false).colour());
        assertFalse(new Env(Map.of("NO_COLOR", "1", "CLICOLOR_FORCE", "1"), true).colour());
    }
}
