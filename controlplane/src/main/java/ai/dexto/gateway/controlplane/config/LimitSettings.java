package ai.dexto.gateway.controlplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * What one caller may make the control plane do (issue 12): per-user rates of the costly actions,
 * the size of any request body, the CSV export's range and pacing, and how long revoked keys stay in
 * the feed snapshot.
 */
public final class LimitSettings {
    /** A token bucket: {@code burst} at once, refilled at {@code perMinute}. */
    public static final class Rate {
        @Min(1) @JsonProperty
        public int perMinute;
        @Min(1) @JsonProperty
        public int burst;

        public Rate() {
        }

        Rate(int perMinute, int burst) {
            this.perMinute = perMinute;
            this.burst = burst;
        }
    }

    /** {@code POST /api/provision}: each call issues a key (and the first mints an upstream key). */
    @Valid @NotNull @JsonProperty
    public Rate provision = new Rate(6, 3);
    /** {@code POST /keys/rotate}. */
    @Valid @NotNull @JsonProperty
    public Rate rotateKey = new Rate(10, 5);
    /**
     * Peers whose {@code X-Forwarded-For} is believed for per-address limits, comma-separated: the
     * gateways, which forward account calls (loopback in a local run). Anyone else's header is ignored.
     */
    @NotNull @JsonProperty
    public String trustedProxies = "127.0.0.1,0:0:0:0:0:0:0:1";

    public java.util.List<String> trustedProxyList() {
        return java.util.Arrays.stream(trustedProxies.split(",")).map(String::trim).filter(a -> !a.isEmpty())
                .toList();
    }
    /** {@code GET /me/usage.csv}. */
    @Valid @NotNull @JsonProperty
    public Rate csvExport = new Rate(6, 3);

    /** Any request body larger is refused with 413 before more of it is read (Stripe's events fit). */
    @Min(1024) @JsonProperty
    public long maxRequestBodyBytes = 64 * 1024;

    /** The widest range one CSV export may cover. */
    @Min(1) @Max(3660) @JsonProperty
    public int csvMaxDays = 366;
    /** Rows per page of the CSV export; each page is one short read, the connection returned after it. */
    @Min(10) @JsonProperty
    public int csvPageRows = 2_000;
    /** Exports streaming at once (each holds a server thread while its client reads); more get 503. */
    @Min(1) @JsonProperty
    public int csvMaxConcurrent = 32;
    /** Statement timeout of each page's read. */
    @Min(100) @JsonProperty
    public long csvStatementTimeoutMillis = 10_000;

    /** A revoked key leaves the feed snapshot this long after its revocation (a gateway refuses unknown keys). */
    @Min(0) @JsonProperty
    public long revokedKeyRetentionSeconds = 7 * 24 * 3600;
    /** And at most this many of a user's most recently revoked keys are in the snapshot. */
    @Min(0) @JsonProperty
    public int revokedKeysPerUser = 10;
}
