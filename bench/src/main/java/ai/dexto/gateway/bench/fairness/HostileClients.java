package ai.dexto.gateway.bench.fairness;

import ai.dexto.gateway.common.apikey.ApiKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/** The hostile workloads of the fairness scenario, each an {@link Attack} against one gateway. */
final class HostileClients {
    private HostileClients() {
    }

    /** 4 MiB chat bodies with no key: the gateway must refuse at the head, never buffer the body. */
    static Attack bigBodiesWithoutKey(InetSocketAddress gateway, int threads) {
        int size = 4 << 20;
        byte[] chunk = new byte[64 << 10];
        Arrays.fill(chunk, (byte) 'a');
        return new Attack("4 MiB bodies, no key", threads) {
            @Override
            String attempt(int worker, long n) throws IOException {
                try (RawHttp c = new RawHttp(loopback(1000 + worker), gateway, 10_000, 0)) {
                    c.write("POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + size + "\r\n\r\n");
                    int sent = 0;
                    try {
                        while (sent < size) {
                            c.write(chunk, chunk.length);
                            sent += chunk.length;
                        }
                    } catch (IOException stoppedReading) {
                        // the gateway answered and closed before the body was in: what it should do
                    }
                    String when = sent < size ? " before the body was sent" : " after the whole body";
                    try {
                        return c.readAnswer() + when;
                    } catch (IOException e) {
                        return "connection reset" + when;
                    }
                }
            }
        };
    }

    /**
     * Made-up but well-formed keys (right prefix, length and checksum, so each one is a cache miss the
     * gateway may ask the control plane about), each connection from the next of {@code addresses}
     * source addresses so per-address limits alone cannot stop it.
     */
    static Attack validateFlood(InetSocketAddress gateway, int threads, int addresses) {
        SecureRandom random = new SecureRandom();
        RawHttp[] connections = new RawHttp[threads];
        return new Attack("/keys/validate flood, made-up keys", threads) {
            @Override
            String attempt(int worker, long n) throws IOException {
                RawHttp c = connections[worker];
                if (c == null || !c.reusable()) {
                    if (c != null) {
                        c.close();
                    }
                    c = new RawHttp(loopback(2000 + (int) ((n * threads + worker) % addresses)), gateway, 10_000, 0);
                    connections[worker] = c;
                }
                try {
                    c.write("GET /keys/validate HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
                            + ApiKeys.generate(random) + "\r\n\r\n");
                    return Integer.toString(c.readAnswer());
                } catch (IOException e) {
                    c.close();
                    connections[worker] = null;
                    throw e;
                }
            }
        };
    }

    /**
     * A paying user who asks for long streams and never reads them (a 4 KiB receive window): the
     * gateway must hold at most its write buffer per stream and cut the stream after the write-stall
     * limit, without slowing anyone else's.
     */
    static Attack neverReads(InetSocketAddress gateway, String apiKey, String model, int threads, long holdMillis) {
        String body = "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":100000,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me everything\"}]}";
        return new Attack("a user that never reads its streams", threads) {
            @Override
            String attempt(int worker, long n) throws IOException, InterruptedException {
                try (RawHttp c = new RawHttp(loopback(3000 + worker), gateway, 10_000, 4096)) {
                    c.write(chat(apiKey, body, List.of("X-Sim-Answer-Tokens: 100000", "X-Sim-Inter-Token-Ms: 0")));
                    Thread.sleep(holdMillis); // the attack: the stream is never read
                    return "held " + holdMillis / 1000 + " s unread";
                }
            }
        };
    }

    /** A paying user whose every request fails upstream (500): must not trip anyone else's breaker. */
    static Attack failingUpstream(InetSocketAddress gateway, String apiKey, String model, int threads) {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":20,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"fail\"}]}";
        RawHttp[] connections = new RawHttp[threads];
        return new Attack("a user whose requests all fail upstream", threads) {
            @Override
            String attempt(int worker, long n) throws IOException {
                RawHttp c = connections[worker];
                if (c == null || !c.reusable()) {
                    if (c != null) {
                        c.close();
                    }
                    c = new RawHttp(loopback(4000 + worker), gateway, 30_000, 0);
                    connections[worker] = c;
                }
                try {
                    c.write(chat(apiKey, body, List.of("X-Sim-Fault: status=500")));
                    return Integer.toString(c.readAnswer());
                } catch (IOException e) {
                    c.close();
                    connections[worker] = null;
                    throw e;
                }
            }
        };
    }

    private static String chat(String apiKey, String body, List<String> extraHeaders) {
        StringBuilder head = new StringBuilder("POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\n")
                .append("Authorization: Bearer ").append(apiKey).append("\r\n")
                .append("Content-Type: application/json\r\nContent-Length: ").append(body.length()).append("\r\n");
        for (String h : extraHeaders) {
            head.append(h).append("\r\n");
        }
        return head.append("\r\n").append(body).toString();
    }
}
