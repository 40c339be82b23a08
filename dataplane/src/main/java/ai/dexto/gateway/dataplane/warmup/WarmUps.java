package ai.dexto.gateway.dataplane.warmup;

import ai.dexto.gateway.dataplane.front.Transport;

/**
 * Warming up before ready: a just-started JVM interprets the request path for its first thousands of
 * requests, so a node that reported ready at once would serve its first seconds at a fraction of its
 * speed. The gateway therefore runs real traffic through a throwaway copy of itself — same code, its
 * own loopback stand-in for the upstream, its own journal in a temporary directory, a synthetic
 * user — and only then binds the real ports and reports ready. Nothing of the warm-up reaches the
 * upstream, the journal or the control plane.
 */
public final class WarmUps {
    private WarmUps() {
    }

    /** The stand-in upstream for the throwaway gateway; close it afterwards. */
    public static AutoCloseable upstream(Transport transport, String[] baseUrlOut) throws InterruptedException {
        WarmUpUpstream u = WarmUpUpstream.start(transport);
        baseUrlOut[0] = u.baseUrl();
        return u;
    }

    public static String model() {
        return WarmUpUpstream.MODEL;
    }

    /** Drives the throwaway gateway at {@code port} for {@code millis}; the answers it read whole. */
    public static long drive(int port, String key, int connections, long millis) throws InterruptedException {
        return WarmUpLoad.run(port, key, connections, millis);
    }
}
