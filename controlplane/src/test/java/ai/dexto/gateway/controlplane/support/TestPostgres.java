package ai.dexto.gateway.controlplane.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL per test JVM (zonky binaries, unpacked under target/ rather than the shared
 * /tmp default); each test class gets its own fresh database in it.
 */
public final class TestPostgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestPostgres() {
    }

    private static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                File work = new File("target/embedded-pg-runtime");
                work.mkdirs();
                postgres = EmbeddedPostgres.builder().setOverrideWorkingDirectory(work)
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("max_connections", "300")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return postgres;
    }

    /** A new, empty database; its JDBC URL (user postgres, no password). */
    public static String newDatabase() {
        EmbeddedPostgres pg = server();
        String name = "cp_test_" + DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + name + "?user=postgres";
    }
}
