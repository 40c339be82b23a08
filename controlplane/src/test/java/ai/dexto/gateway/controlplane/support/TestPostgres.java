package ai.dexto.gateway.controlplane.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL per test JVM (zonky binaries, unpacked under target/ rather than the shared
 * /tmp default); each test class gets its own fresh database in it. With
 * {@code DEXTO_TEST_DATABASE_URL} (a JDBC URL with credentials of a role that may create databases,
 * e.g. the server {@code ops/ci-postgres} starts in CI) the databases are made on that server instead.
 */
public final class TestPostgres {
    public static final String EXTERNAL_ENV = "DEXTO_TEST_DATABASE_URL";
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

    /** A new, empty database; its JDBC URL, credentials included. */
    public static String newDatabase() {
        String external = System.getenv(EXTERNAL_ENV);
        if (external != null && !external.isBlank()) {
            return onExternalServer(external);
        }
        EmbeddedPostgres pg = server();
        String name = "cp_test_" + DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + name + "?user=postgres";
    }

    /** A database named after this JVM and class count, so parallel runs on one server never meet. */
    private static String onExternalServer(String adminUrl) {
        String name = "cp_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + EXTERNAL_ENV, e);
        }
        return adminUrl.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
    }
}
