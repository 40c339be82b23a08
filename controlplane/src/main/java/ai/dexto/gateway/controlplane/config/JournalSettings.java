package ai.dexto.gateway.controlplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Which usage journals to drain and how big a batch (one transaction) may grow. */
public final class JournalSettings {
    /** Comma-separated directories ({@code DEXTO_JOURNAL_DIRS}); empty: every directory under {@code root}. */
    @JsonProperty
    public String dirs = "";
    /** Default: {@code dataDir/journal}. */
    @JsonProperty
    public String root = "";
    @Min(1) @JsonProperty
    public int batchSize = 2_000;
    @Min(1) @JsonProperty
    public long batchMillis = 50;
    @Min(1) @JsonProperty
    public long rescanMillis = 2_000;
    /** The drain health check fails when a journal has been behind for longer than this. */
    @Min(1) @JsonProperty
    public long unhealthyLagSeconds = 60;
    /**
     * Journal cycle files (one per UTC day) the drain has applied are deleted once they are this old;
     * the cycle holding the applied position and the newest one are always kept.
     */
    @Min(0) @JsonProperty
    public long retentionHours = 72;
    /** How often an idle drain looks for cycle files to delete. */
    @Min(1) @JsonProperty
    public long retentionCheckMillis = 60_000;

    public List<Path> explicitDirs() {
        if (dirs == null || dirs.isBlank()) {
            return List.of();
        }
        return Arrays.stream(dirs.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList();
    }

    public Path root(String dataDir) {
        return root == null || root.isBlank() ? Path.of(dataDir, "journal") : Path.of(root);
    }
}
