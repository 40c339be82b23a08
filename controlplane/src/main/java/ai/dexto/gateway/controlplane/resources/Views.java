package ai.dexto.gateway.controlplane.resources;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.controlplane.daos.KeyDao;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON views shared by user and admin resources: money as USD decimal strings, times as ISO-8601. */
final class Views {
    private Views() {
    }

    static String usd(long nanos) {
        return Money.format(nanos);
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    /** A key without its hash: id, name, display, status and times. */
    static Map<String, Object> key(KeyDao.KeyView k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id());
        m.put("name", k.name());
        m.put("key_display", k.keyDisplay());
        m.put("status", k.status());
        m.put("created_at", time(k.createdAt()));
        m.put("last_used_at", time(k.lastUsedAt()));
        m.put("revoked_at", time(k.revokedAt()));
        return m;
    }
}
