package ai.dexto.gateway.controlplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Min;

/** The reconciler's pace (see {@code reconcile/Reconciler} for what it costs). */
public final class ReconcileSettings {
    @JsonProperty
    public boolean enabled = true;
    @Min(1) @JsonProperty
    public long pendingIntervalMillis = 2_000;
    @Min(1) @JsonProperty
    public int pendingBatch = 100;
    @Min(1) @JsonProperty
    public long driftIntervalMillis = 10_000;
    @Min(1) @JsonProperty
    public int driftBatch = 50;
    @Min(1) @JsonProperty
    public long upstreamTimeoutMillis = 10_000;
    /**
     * An in-flight row (a stream's intent record) is left to its own final record this long; only one
     * still open after it (its node died mid-stream) is settled from the upstream's record. Longer than
     * any stream and the gateway's orphan timeout.
     */
    @Min(0) @JsonProperty
    public long inFlightAfterMillis = 900_000;
    /** {@code DEXTO_MARKUP_PERCENT}, the same as the gateway's: billed = upstream cost plus this. */
    @JsonProperty
    public String markupPercent = "0";

    public int markupBasisPoints() {
        return new java.math.BigDecimal(markupPercent.trim()).movePointRight(2).intValueExact();
    }
}
