package ai.dexto.gateway.controlplane.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL started from the zonky binaries for local runs: data under {@code dataDir/pg}, kept
 * across restarts; binaries unpacked under {@code dataDir/pg-runtime} (zonky's default is a directory
 * in /tmp shared by every project on the machine).
 *
 * <p>Durable: zonky's builder defaults to {@code fsync=off}, {@code synchronous_commit=off} and
 * {@code full_page_writes=off} (fine for throwaway test databases, not for money: a crash after a
 * webhook answered 200 would lose a paid credit Stripe does not redeliver), so every one is set on.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedDatabase start(Path dataDir) throws IOException {
        Path data = dataDir.resolve("pg").toAbsolutePath();
        Path runtime = dataDir.resolve("pg-runtime").toAbsolutePath();
        Files.createDirectories(data);
        Files.createDirectories(runtime);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(runtime.toFile())
                .setRegisterShutdownHook(false) // stopped by the lifecycle, after the pool (a JVM hook would race it)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .start();
        log.info("embedded PostgreSQL on 127.0.0.1:{} with data in {}", pg.getPort(), data);
        return new EmbeddedDatabase(pg);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    public String user() {
        return "postgres";
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
