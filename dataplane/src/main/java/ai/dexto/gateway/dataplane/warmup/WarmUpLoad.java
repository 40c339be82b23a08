package ai.dexto.gateway.dataplane.warmup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The warm-up traffic: keep-alive connections sending requests back to back, each read to its end.
 * It is shaped like production's, not like a benchmark's, because the JIT compiles what it has seen:
 * a path the warm-up never took (a new connection, a refused key, a malformed body, the model list,
 * a rate-limited tier, a scrape of the ops port) is a branch the compiled code does not have, and the
 * first real request to take it throws the compiled method away (JFR's {@code jdk.Deoptimization},
 * bench/RESULTS.md "Warm-up"). So connections are replaced every {@link #REQUESTS_PER_CONNECTION}
 * requests, a quarter of the requests take one of those side paths, a limited tier's key alternates
 * with an unlimited one, and a scraper reads the ops port.
 * Plain blocking sockets: the point is to exercise the gateway, not to be fast.
 */
final class WarmUpLoad {
    static final int REQUESTS_PER_CONNECTION = 64;
    /** Fails the key's format check: refused without asking the control plane. */
    private static final String MALFORMED_KEY = "dxt_not-a-key";
    private static final int ANY = -1;

    private WarmUpLoad() {
    }

    /** A request and the status it must get; anything else ends the connection. */
    private record Call(byte[] bytes, int status) {
    }

    /** One cycle of the requests a connection sends: three quarters chats, whole and streamed. */
    private static List<Call> mix(String key, String revokedKey) {
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(new Call(chat(key, false, WarmUpUpstream.MODEL), 200));
            calls.add(new Call(chat(key, true, WarmUpUpstream.MODEL), 200));
        }
        calls.add(new Call(get("/v1/models", key), 200));
        calls.add(new Call(chat(revokedKey, true, WarmUpUpstream.MODEL), 401));
        calls.add(new Call(post("/v1/chat/completions", key, "{\"model\":"), 400));
        calls.add(new Call(chat(key, false, "warmup/no-such-model"), 404));
        calls.add(new Call(chat(MALFORMED_KEY, false, WarmUpUpstream.MODEL), 401));
        return calls;
    }

    /**
     * Runs until {@code watch} says the JIT is done, over {@code connections} connections, alternating
     * the active {@code keys} between them, while a scraper polls {@code opsPort}; the number of answers
     * read whole.
     */
    static long run(int port, int opsPort, List<String> keys, String revokedKey, int connections, JitWatch watch)
            throws InterruptedException {
        AtomicLong answered = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            List<Call> calls = mix(keys.get(i % keys.size()), revokedKey);
            threads.add(start("dexto-warmup-" + i, () -> {
                while (!stop.get()) {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        s.setSoTimeout(5_000);
                        s.setTcpNoDelay(true);
                        exchange(s, calls, REQUESTS_PER_CONNECTION, stop, answered);
                    } catch (IOException e) {
                        // a refused or reset request only ends this connection; warm-up goes on
                    }
                }
            }));
        }
        threads.add(start("dexto-warmup-scraper", () -> {
            List<Call> scrapes = List.of(new Call(get("/ready", null), ANY), new Call(get("/metrics", null), 200),
                    new Call(get("/health", null), ANY));
            while (!stop.get()) {
                try (Socket s = new Socket("127.0.0.1", opsPort)) {
                    s.setSoTimeout(5_000);
                    exchange(s, scrapes, scrapes.size(), stop, new AtomicLong());
                    Thread.sleep(50); // a scraper's pace, not a load: the ops port is not the hot path
                } catch (IOException e) {
                    // the next scrape opens a new connection
                } catch (InterruptedException e) {
                    return;
                }
            }
        }));
        try {
            while (!watch.done()) {
                Thread.sleep(100); // the watch measures the JIT over whole seconds; this only paces the asking
            }
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
        return answered.get();
    }

    private static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void exchange(Socket s, List<Call> calls, int count, AtomicBoolean stop, AtomicLong answered)
            throws IOException {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[16384];
        for (int n = 0; n < count && !stop.get(); n++) {
            Call call = calls.get(n % calls.size());
            out.write(call.bytes());
            out.flush();
            int status = readAnswer(in, buf);
            if (status < 0 || call.status() != ANY && status != call.status()) {
                return;
            }
            answered.incrementAndGet();
        }
    }

    /**
     * Reads one answer to its end (by Content-Length, or the chunked terminator); its status, or -1 on a
     * close before the end.
     */
    private static int readAnswer(InputStream in, byte[] buf) throws IOException {
        int filled = 0;
        int bodyStart = -1;
        String head = null;
        while (bodyStart < 0) {
            int r = in.read(buf, filled, buf.length - filled);
            if (r <= 0) {
                return -1;
            }
            filled += r;
            String text = new String(buf, 0, filled, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                head = text.substring(0, end);
                bodyStart = end + 4;
            } else if (filled == buf.length) {
                return -1;
            }
        }
        if (!head.startsWith("HTTP/1.1 ") || head.length() < 12) {
            return -1;
        }
        int status = Integer.parseInt(head.substring(9, 12));
        long contentLength = 0;
        boolean chunked = false;
        for (String line : head.split("\r\n")) {
            String l = line.toLowerCase(Locale.ROOT);
            if (l.startsWith("content-length:")) {
                contentLength = Long.parseLong(l.substring(15).trim());
            } else if (l.startsWith("transfer-encoding:") && l.contains("chunked")) {
                chunked = true;
            }
        }
        long have = filled - bodyStart;
        if (!chunked) {
            while (have < contentLength) {
                int r = in.read(buf);
                if (r <= 0) {
                    return -1;
                }
                have += r;
            }
            return status;
        }
        String tail = new String(buf, bodyStart, filled - bodyStart, StandardCharsets.ISO_8859_1);
        while (!tail.endsWith("0\r\n\r\n")) {
            int r = in.read(buf);
            if (r <= 0) {
                return -1;
            }
            String more = new String(buf, 0, r, StandardCharsets.ISO_8859_1);
            tail = (tail.length() > 16 ? tail.substring(tail.length() - 16) : tail) + more;
        }
        return status;
    }

    private static byte[] chat(String key, boolean stream, String model) {
        return post("/v1/chat/completions", key, "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"max_tokens\":20,\"temperature\":0.7,\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"warm up the gateway's request path\"}]}");
    }

    private static byte[] post(String path, String key, String body) {
        return ("POST " + path + " HTTP/1.1\r\nHost: warmup\r\nUser-Agent: dexto-warmup\r\nAccept: */*\r\n"
                + "Authorization: Bearer " + key + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] get(String path, String key) {
        return ("GET " + path + " HTTP/1.1\r\nHost: warmup\r\nUser-Agent: dexto-warmup\r\nAccept: */*\r\n"
                + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
