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
