package ai.dexto.gateway.controlplane.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.controlplane.config.DatabaseSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedDatabaseTest {
    @Test
    void withoutADatabaseUrlARealPostgresRunsUnderTheDataDirAndKeepsItsDataAcrossRestarts(@TempDir Path dataDir)
            throws Exception {
        DatabaseSettings settings = new DatabaseSettings();
        Database first = Database.open(settings, dataDir, null, null);
        try {
            assertEquals(ai.dexto.gateway.controlplane.support.Migrations.count(), first.migrate());
            try (Connection c = first.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO users (id) VALUES ('kept')");
                for (String setting : new String[] {"fsync", "synchronous_commit", "full_page_writes"}) {
                    try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
                        rs.next();
                        assertEquals("on", rs.getString(1), setting + " of the local run's database");
                    }
                }
            }
        } finally {
            first.close();
        }
        assertTrue(Files.isRegularFile(dataDir.resolve("pg").resolve("PG_VERSION")));
        assertTrue(Files.isDirectory(dataDir.resolve("pg-runtime")), "binaries unpacked per data dir");
        Database second = Database.open(settings, dataDir, null, null);
        try {
            assertEquals(0, second.migrate());
            try (Connection c = second.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM users WHERE id = 'kept'")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        } finally {
            second.close();
        }
    }
}
