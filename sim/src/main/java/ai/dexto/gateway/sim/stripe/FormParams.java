package ai.dexto.gateway.sim.stripe;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Stripe request body: {@code application/x-www-form-urlencoded} with nested names written as
 * brackets ({@code line_items[0][price_data][unit_amount]=500}, {@code metadata[user_id]=u1}).
 */
final class FormParams {
    private final Map<String, List<String>> values;

    private FormParams(Map<String, List<String>> values) {
        this.values = values;
    }

    static FormParams parse(String body) {
        return new FormParams(new QueryStringDecoder(body, StandardCharsets.UTF_8, false).parameters());
    }

    String get(String name) {
        List<String> list = values.get(name);
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    /** {@code metadata[k]=v} pairs as a map {k: v}, in the order sent. */
    Map<String, String> map(String prefix) {
        Map<String, String> map = new LinkedHashMap<>();
        String open = prefix + "[";
        values.forEach((name, list) -> {
            if (name.startsWith(open) && name.endsWith("]") && name.indexOf('[', open.length()) < 0 && !list.isEmpty()) {
                map.put(name.substring(open.length(), name.length() - 1), list.get(0));
            }
        });
        return map;
    }

    /** How many consecutive {@code prefix[i]…} entries there are, from index 0. */
    int count(String prefix) {
        int count = 0;
        while (hasPrefix(prefix + "[" + count + "]")) {
            count++;
        }
        return count;
    }

    private boolean hasPrefix(String prefix) {
        for (String name : values.keySet()) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
