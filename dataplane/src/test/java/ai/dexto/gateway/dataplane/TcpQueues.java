package ai.dexto.gateway.dataplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's view of a loopback TCP connection (Linux {@code /proc/net/tcp} and {@code tcp6}): how
 * many bytes one end has written that the other has not taken. A gateway socket whose send queue
 * stays non-empty is one whose client stopped reading: backpressure made observable without a hook
 * into the gateway.
 */
final class TcpQueues {
    private TcpQueues() {
    }

    /** The send queue of the socket from {@code localPort} to {@code remotePort}; -1 when there is none. */
    static long sendQueue(int localPort, int remotePort) throws IOException {
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 5 || !f[1].contains(":")) {
                    continue;
                }
                if (port(f[1]) == localPort && port(f[2]) == remotePort) {
                    return Long.parseLong(f[4].substring(0, f[4].indexOf(':')), 16);
                }
            }
        }
        return -1;
    }

    private static int port(String hexAddressAndPort) {
        return Integer.parseInt(hexAddressAndPort.substring(hexAddressAndPort.indexOf(':') + 1), 16);
    }
}
