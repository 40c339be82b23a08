package ai.dexto.gateway.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EnvFileTest {
    @Test
    void theKeyLineIsWrittenOwnerOnlyBesideTheUsersOtherLines(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve(".env"), "OPENAI_API_KEY=sk-mine\n# a comment\nDEXTO_API_KEY=dxt_old\n");
        EnvFile env = new EnvFile(home);
        assertEquals("dxt_old", env.apiKey());
        env.setApiKey("dxt_new");
        assertEquals("dxt_new", env.apiKey());
        String text = Files.readString(home.resolve(".env"));
        assertTrue(text.contains("OPENAI_API_KEY=sk-mine\n# a comment\n"), text);
        assertFalse(text.contains("dxt_old"), text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".env"))));
    }

    @Test
    void logoutRemovesOnlyTheKeyItWroteAndKeepsTheRest(@TempDir Path home) throws Exception {
        EnvFile env = new EnvFile(home);
        env.setApiKey("dxt_written_by_login");
        assertFalse(env.removeApiKeyIf("dxt_some_other_key"), "a key the user replaced stays");
        assertEquals("dxt_written_by_login", env.apiKey());
        assertTrue(env.removeApiKeyIf("dxt_written_by_login"));
        assertFalse(Files.exists(home.resolve(".env")), "nothing else was in it");

        Files.writeString(home.resolve(".env"), "KEEP=1\nexport DEXTO_API_KEY=\"dxt_quoted\"\n");
        assertEquals("dxt_quoted", env.apiKey());
        assertTrue(env.removeApiKeyIf("dxt_quoted"));
        assertEquals("KEEP=1\n", Files.readString(home.resolve(".env")));
        assertNull(env.apiKey());
    }
}
