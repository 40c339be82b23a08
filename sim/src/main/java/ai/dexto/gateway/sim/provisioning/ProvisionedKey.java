package ai.dexto.gateway.sim.provisioning;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One upstream API key with its spend. Usage only grows; once it reaches the limit the key is refused
 * (403, as OpenRouter does for a spent key limit) until the limit is raised with PATCH.
 * Reads and writes from several event loops, hence the monitor on every accessor.
 */
public final class ProvisionedKey {
    private final String hash;
    private final String label;
    private final Instant createdAt;
    private String name;
    private boolean disabled;
    private BigDecimal limit;
    private boolean includeByokInLimit;
    private String limitReset;
    private BigDecimal usage = BigDecimal.ZERO;
    private BigDecimal byokUsage = BigDecimal.ZERO;
    private Instant updatedAt;

    ProvisionedKey(String hash, String label, String name, BigDecimal limit, boolean includeByokInLimit,
                   String limitReset, Instant now) {
        this.hash = hash;
        this.label = label;
        this.name = name;
        this.limit = limit;
        this.includeByokInLimit = includeByokInLimit;
        this.limitReset = limitReset;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public String hash() {
        return hash;
    }

    public synchronized boolean disabled() {
        return disabled;
    }

    public synchronized boolean limitReached() {
        return limit != null && usage.compareTo(limit) >= 0;
    }

    public synchronized BigDecimal usage() {
        return usage;
    }

    /**
     * Adds one generation's charge. {@code fee} is what OpenRouter bills (the whole cost, or the BYOK
     * fee); {@code byokUpstream} the provider's charge on the user's own key, counted against the limit
     * only when the key says so.
     */
    public synchronized void charge(BigDecimal fee, BigDecimal byokUpstream) {
        usage = usage.add(fee);
        if (byokUpstream != null) {
            byokUsage = byokUsage.add(byokUpstream);
            if (includeByokInLimit) {
                usage = usage.add(byokUpstream);
            }
        }
    }

    synchronized void update(Map<String, Object> fields, Instant now) {
        if (fields.containsKey("name")) {
            name = String.valueOf(fields.get("name"));
        }
        if (fields.containsKey("disabled")) {
            disabled = Boolean.TRUE.equals(fields.get("disabled"));
        }
        if (fields.containsKey("limit")) {
            limit = KeyStore.decimalOrNull(fields.get("limit"));
        }
        if (fields.containsKey("include_byok_in_limit")) {
            includeByokInLimit = Boolean.TRUE.equals(fields.get("include_byok_in_limit"));
        }
        if (fields.containsKey("limit_reset")) {
            Object reset = fields.get("limit_reset");
            limitReset = reset == null ? null : String.valueOf(reset);
        }
        updatedAt = now;
    }

    /** A key saved by {@link #toJson()} before a restart, with its usage. */
    static ProvisionedKey restore(Map<String, Object> saved) {
        ProvisionedKey key = new ProvisionedKey((String) saved.get("hash"), (String) saved.get("label"),
                (String) saved.get("name"), KeyStore.decimalOrNull(saved.get("limit")),
                Boolean.TRUE.equals(saved.get("include_byok_in_limit")), (String) saved.get("limit_reset"),
                Instant.parse((String) saved.get("created_at")));
        key.disabled = Boolean.TRUE.equals(saved.get("disabled"));
        key.usage = KeyStore.decimalOrNull(saved.get("usage"));
        key.byokUsage = KeyStore.decimalOrNull(saved.get("byok_usage"));
        key.updatedAt = Instant.parse((String) saved.get("updated_at"));
        return key;
    }

    /** The key as {@code /keys} shows it: never the plaintext. */
    public synchronized Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("hash", hash);
        json.put("name", name);
        json.put("label", label);
        json.put("disabled", disabled);
        json.put("limit", plain(limit));
        json.put("limit_remaining", limit == null ? null : plain(limit.subtract(usage).max(BigDecimal.ZERO)));
        json.put("limit_reset", limitReset);
        json.put("include_byok_in_limit", includeByokInLimit);
        json.put("usage", plain(usage));
        json.put("byok_usage", plain(byokUsage));
        json.put("created_at", createdAt.toString());
        json.put("updated_at", updatedAt.toString());
        return json;
    }

    private static BigDecimal plain(BigDecimal value) {
        if (value == null) {
            return null;
        }
        return value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
    }
}
