package ai.dexto.gateway.controlplane.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** How many Flyway migrations the build ships, so tests need no edit when a new one lands. */
public final class Migrations {
    private Migrations() {
    }

    public static int count() {
        try (Stream<Path> files = Files.list(Path.of(Migrations.class.getResource("/db/migration").toURI()))) {
            return (int) files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
