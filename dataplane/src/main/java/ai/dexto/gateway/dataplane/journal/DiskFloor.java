package ai.dexto.gateway.dataplane.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the journal's file system has at least the floor free. A mapped journal file written on a
 * full disk faults (or the JVM dies); refusing requests while space is short keeps every admitted
 * request's events writable. Checked once a second, off the event loops.
 */
final class DiskFloor {
    private final Path directory;
    private final long floorBytes;
    private volatile boolean above = true;

    DiskFloor(Path directory, long floorBytes) {
        this.directory = directory;
        this.floorBytes = floorBytes;
        check();
    }

    void check() {
        if (floorBytes <= 0) {
            above = true;
            return;
        }
        try {
            above = Files.getFileStore(directory).getUsableSpace() >= floorBytes;
        } catch (IOException e) {
            above = false;
        }
    }

    boolean aboveFloor() {
        return above;
    }

    long floorBytes() {
        return floorBytes;
    }
}
