package ai.dexto.gateway.controlplane.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ClientAddressTest {
    private final ClientAddress addresses = new ClientAddress(List.of("10.0.0.5"));

    @Test
    void aTrustedProxysLastForwardedEntryIsTheClient() {
        assertEquals("203.0.113.9", addresses.of(request("10.0.0.5", "198.51.100.1, 203.0.113.9")));
        assertEquals("203.0.113.9", addresses.of(request("10.0.0.5", "198.51.100.1", "203.0.113.9")));
        assertEquals("10.0.0.5", addresses.of(request("10.0.0.5")), "no header: the proxy itself");
        assertEquals("10.0.0.5", addresses.of(request("10.0.0.5", " ")));
    }

    @Test
    void anyoneElsesForwardedHeaderIsIgnored() {
        assertEquals("198.51.100.77", addresses.of(request("198.51.100.77", "203.0.113.9")));
    }

    /** A servlet request with only a peer address and X-Forwarded-For values (a JDK proxy of the interface). */
    private static HttpServletRequest request(String peer, String... forwardedFor) {
        return (HttpServletRequest) Proxy.newProxyInstance(ClientAddressTest.class.getClassLoader(),
                new Class<?>[]{HttpServletRequest.class}, (self, method, args) -> switch (method.getName()) {
                    case "getRemoteAddr" -> peer;
                    case "getHeaders" -> "X-Forwarded-For".equalsIgnoreCase((String) args[0])
                            ? Collections.enumeration(List.of(forwardedFor)) : Collections.emptyEnumeration();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
