package ai.dexto.gateway.e2e;

import ai.dexto.gateway.common.money.Money;
import com.fasterxml.jackson.databind.JsonNode;

/** What the money tests read back: a user's balance and usage from the control plane, and what the upstream charged their key. */
final class Ledgers {
    private Ledgers() {
    }

    /** The user's balance in nanos (admin view). */
    static long balance(LocalSystem system, LocalSystem.User user) throws Exception {
        return Money.parseUsdExact(system.json(system.admin("GET", "/users/" + user.id(), null)).path("balance").asText());
    }

    /** {@code /me/usage} with the user's last 100 requests. */
    static JsonNode usage(LocalSystem system, LocalSystem.User user) throws Exception {
        return system.json(system.call("GET", system.controlUrl() + "/me/usage?recent_limit=100", user.apiKey(), null, 200));
    }

    /** What the upstream charged the user's upstream key, in nanos (the simulator's provisioning API). */
    static long upstreamUsage(LocalSystem system, LocalSystem.User user) throws Exception {
        JsonNode keys = system.json(system.call("GET", system.simUrl() + "/keys", LocalSystem.PROVISIONING_KEY, null, 200));
        for (JsonNode k : keys.path("data")) {
            if (k.path("name").asText().equals("dexto-" + user.id())) {
                return Money.parseUsdExact(k.path("usage").decimalValue().toPlainString());
            }
        }
        throw new AssertionError("no upstream key for " + user.id() + ": " + keys);
    }

    /** How often {@code what} occurs in {@code s} (SSE data lines in a raw answer). */
    static int count(CharSequence s, String what) {
        int n = 0;
        String t = s.toString();
        for (int at = t.indexOf(what); at >= 0; at = t.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }
}
