package ai.dexto.gateway.dataplane.warmup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The warm-up traffic: a few keep-alive connections, each sending chats back to back (whole answers and
 * streams in turn) for a given time, reading each answer to its end. Plain blocking sockets: the
 * point is to exercise the gateway, not to be fast.
 */
final class WarmUpLoad {
    private WarmUpLoad() {
    }

    /** Runs for {@code millis}; the number of answers read whole. */
    static long run(int port, String key, int connections, long millis) throws InterruptedException {
        AtomicLong answered = new AtomicLong();
        long until = System.nanoTime() + millis * 1_000_000;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < until) {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        s.setSoTimeout(5_000);
                        s.setTcpNoDelay(true);
                        loop(s, key, until, answered);
                    } catch (IOException e) {
                        // a refused or reset request only ends this connection; warm-up goes on
                    }
                }
            }, "dexto-warmup-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(millis + 10_000);
        }
        return answered.get();
    }

    private static void loop(Socket s, String key, long until, AtomicLong answered) throws IOException {
        byte[][] requests = {request(key, false), request(key, true)};
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[16384];
        for (int n = 0; System.nanoTime() < until; n++) {
            out.write(requests[n & 1]);
            out.flush();
            if (!readAnswer(in, buf)) {
                return;
            }
            answered.incrementAndGet();
        }
    }

    /** Reads one answer to its end (by Content-Length, or the chunked terminator); false on a close. */
    private static boolean readAnswer(InputStream in, byte[] buf) throws IOException {
        StringBuilder head = new StringBuilder();
        long contentLength = -1;
        boolean chunked = false;
        int filled = 0;
        int bodyStart = -1;
        while (bodyStart < 0) {
            int r = in.read(buf, filled, buf.length - filled);
            if (r <= 0) {
                return false;
            }
            filled += r;
            String text = new String(buf, 0, filled, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                head.append(text, 0, end);
                bodyStart = end + 4;
            } else if (filled == buf.length) {
                return false;
            }
        }
        for (String line : head.toString().split("\r\n")) {
            String l = line.toLowerCase(java.util.Locale.ROOT);
            if (l.startsWith("content-length:")) {
                contentLength = Long.parseLong(l.substring(15).trim());
            } else if (l.startsWith("transfer-encoding:") && l.contains("chunked")) {
                chunked = true;
            }
        }
        if (!head.toString().startsWith("HTTP/1.1 200")) {
            return false;
        }
        long have = filled - bodyStart;
        if (!chunked) {
            while (have < contentLength) {
                int r = in.read(buf);
                if (r <= 0) {
                    return false;
                }
                have += r;
            }
            return true;
        }
        String tail = new String(buf, bodyStart, filled - bodyStart, StandardCharsets.ISO_8859_1);
        while (!tail.endsWith("0\r\n\r\n")) {
            int r = in.read(buf);
            if (r <= 0) {
                return false;
            }
            String more = new String(buf, 0, r, StandardCharsets.ISO_8859_1);
            tail = (tail.length() > 16 ? tail.substring(tail.length() - 16) : tail) + more;
        }
        return true;
    }

    private static byte[] request(String key, boolean stream) {
        String body = "{\"model\":\"" + WarmUpUpstream.MODEL + "\",\"stream\":" + stream + ",\"max_tokens\":20,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"warm up the gateway's request path\"}]}";
        return ("POST /v1/chat/completions HTTP/1.1\r\nHost: warmup\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }
}
