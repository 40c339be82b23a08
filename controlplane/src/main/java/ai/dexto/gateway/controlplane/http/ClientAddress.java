package ai.dexto.gateway.controlplane.http;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;

/**
 * The address a request came from, for per-address limits. Account calls reach us through the gateway,
 * which appends the client's address to {@code X-Forwarded-For}; that header is believed only when the
 * connection itself comes from a trusted proxy (the gateways' addresses), and then only its last entry,
 * the one the proxy wrote: anything before it is whatever the client claimed.
 */
public final class ClientAddress {
    private final Set<String> trustedProxies;

    public ClientAddress(List<String> trustedProxies) {
        this.trustedProxies = Set.copyOf(trustedProxies);
    }

    public String of(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (!trustedProxies.contains(peer)) {
            return peer;
        }
        String last = null;
        for (Enumeration<String> values = request.getHeaders("X-Forwarded-For"); values != null
                && values.hasMoreElements(); ) {
            last = values.nextElement();
        }
        if (last == null) {
            return peer;
        }
        int comma = last.lastIndexOf(',');
        String address = (comma < 0 ? last : last.substring(comma + 1)).trim();
        return address.isEmpty() ? peer : address;
    }
}
