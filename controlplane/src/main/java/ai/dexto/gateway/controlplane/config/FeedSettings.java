package ai.dexto.gateway.controlplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Min;

/** Retention of the change log behind {@code /internal/feed/changes}. */
public final class FeedSettings {
    /** Change rows older than this are pruned; a reader behind them is told to resnapshot. */
    @Min(60) @JsonProperty
    public long retentionSeconds = 24 * 3600;
}
