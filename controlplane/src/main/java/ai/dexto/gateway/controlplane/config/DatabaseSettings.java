package ai.dexto.gateway.controlplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An external PostgreSQL when {@code url} is set; else an embedded one under {@code dataDir/pg}. */
public final class DatabaseSettings {
    @JsonProperty
    public String url = "";
    @JsonProperty
    public String user = "";
    @JsonProperty
    public String password = "";
    @JsonProperty
    public int maxPoolSize = 16;
    @JsonProperty
    public long connectionTimeoutMillis = 10_000;

    public boolean embedded() {
        return url == null || url.isBlank();
    }
}
