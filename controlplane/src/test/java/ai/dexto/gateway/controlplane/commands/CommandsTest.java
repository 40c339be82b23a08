package ai.dexto.gateway.controlplane.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.controlplane.ControlPlaneApplication;
import ai.dexto.gateway.controlplane.auth.SessionTokens;
import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CommandsTest {
    private final PrintStream originalOut = System.out;

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.clearProperty("dw.database.url");
    }

    private String run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            new ControlPlaneApplication().run(args);
        } finally {
            System.setOut(originalOut);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void devTokenPrintsASessionJwtSignedWithTheConfiguredSecretAsItsLastLine() throws Exception {
        String out = run("dev-token", "--user-id", "demo-user", "--email", "demo@dexto.local",
                ControlPlaneHarness.CONFIG);
        String[] lines = out.trim().split("\n");
        String token = lines[lines.length - 1].trim();
        // the local config's development secret (DEXTO_JWT_SECRET unset in tests)
        SessionTokens.Session s = new SessionTokens("dev-jwt-secret-change-me-in-production-0123456789",
                "authenticated", null).verify(token);
        assertEquals("demo-user", s.userId());
        assertEquals("demo@dexto.local", s.email());
    }

    @Test
    void dbMigrateAppliesTheSchemaToTheConfiguredDatabase() throws Exception {
        String url = TestPostgres.newDatabase();
        System.setProperty("dw.database.url", url);
        String out = run("db", "migrate", ControlPlaneHarness.CONFIG);
        assertTrue(out.contains("migrations applied: " + ai.dexto.gateway.controlplane.support.Migrations.count()), out);
        try (Connection c = DriverManager.getConnection(url);
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM feed_head")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
        assertTrue(run("db", "migrate", ControlPlaneHarness.CONFIG).contains("migrations applied: 0"));
    }
}
