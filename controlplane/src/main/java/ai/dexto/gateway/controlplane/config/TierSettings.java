package ai.dexto.gateway.controlplane.config;

import ai.dexto.gateway.common.feed.FeedTier;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rate-limit tiers by name; the data plane enforces them, the control plane assigns them. */
public final class TierSettings {
    @NotBlank @JsonProperty
    public String defaultTier = "free";
    @JsonProperty
    public Map<String, Tier> definitions = defaults();

    public static final class Tier {
        @JsonProperty
        public long requestsPerMinute;
        @JsonProperty
        public long burst;
        @JsonProperty
        public boolean unlimited;

        public Tier() {
        }

        Tier(long requestsPerMinute, long burst, boolean unlimited) {
            this.requestsPerMinute = requestsPerMinute;
            this.burst = burst;
            this.unlimited = unlimited;
        }
    }

    public boolean exists(String name) {
        return definitions.containsKey(name);
    }

    public List<FeedTier> asFeed() {
        List<FeedTier> out = new ArrayList<>();
        definitions.forEach((name, t) -> out.add(new FeedTier(name, t.requestsPerMinute, t.burst, t.unlimited)));
        return List.copyOf(out);
    }

    private static Map<String, Tier> defaults() {
        Map<String, Tier> m = new LinkedHashMap<>();
        m.put("free", new Tier(60, 10, false));
        m.put("paid", new Tier(600, 100, false));
        m.put("unlimited", new Tier(0, 0, true));
        return m;
    }
}
