package ai.dexto.gateway.dataplane;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A client connection as an attacker (or a very plain client) holds it: a real loopback socket,
 * optionally from another loopback address (all of 127/8 is loopback on Linux, so each address is a
 * different client to the gateway's per-address limits), bytes written exactly as given, and
 * responses read off the wire one at a time — a {@code 100 Continue} is a response of its own.
 */
final class RawClient implements AutoCloseable {
    /** How long a read waits before the test calls the gateway silent. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        this.in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    static RawClient connect(int port) throws IOException {
        return connect("127.0.0.1", port, 0);
    }

    /** A connection from loopback address {@code from} (e.g. 127.0.0.7); {@code receiveBuffer} 0 keeps the default. */
    static RawClient connect(String from, int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer); // before connecting, so the window is set by it
        }
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return new RawClient(s);
    }

    /** A connection to loopback address {@code to} (not 127.0.0.1), from the default source address. */
    static RawClient connectTo(String to, int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getByName(to), port), 5_000);
        return new RawClient(s);
    }

    int localPort() {
        return socket.getLocalPort();
    }

    RawClient send(String ascii) throws IOException {
        return send(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** A chat request's head (no body) with the given key (null: none) and extra header lines. */
    static String chatHead(String key, long contentLength, String... extraHeaders) {
        StringBuilder sb = new StringBuilder("POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\n");
        if (key != null) {
            sb.append("Authorization: Bearer ").append(key).append("\r\n");
        }
        sb.append("Content-Type: application/json\r\nContent-Length: ").append(contentLength).append("\r\n");
        for (String h : extraHeaders) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** A whole chat request. */
    static String chat(String key, String body, String... extraHeaders) {
        return chatHead(key, body.getBytes(StandardCharsets.UTF_8).length, extraHeaders) + body;
    }

    /** The next response, whole (its body de-chunked); fails if the connection ends or stays silent first. */
    Response read() throws IOException {
        String head = readHead();
        String[] lines = head.split("\r\n");
        if (!lines[0].startsWith("HTTP/1.1 ")) {
            throw new AssertionError("not an HTTP/1.1 status line: " + lines[0]);
        }
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        if (status < 200) {
            return new Response(status, headers, "");
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(readLine(), 16);
                if (size == 0) {
                    readLine();
                    return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
                }
                body.writeBytes(readExactly(size));
                readLine();
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        return new Response(status, headers, new String(readExactly(length), StandardCharsets.UTF_8));
    }

    /** Reads only a response's head (a stream's body is left unread on the socket). */
    Response readHeadOnly() throws IOException {
        String[] lines = readHead().split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        return new Response(Integer.parseInt(lines[0].substring(9, 12)), headers, "");
    }

    /**
     * Waits up to {@code within} for the gateway to end the connection; true when it did (end of stream
     * or a reset), false when it is still open then. Bytes that arrive meanwhile fail the test: the
     * close is meant to come without another answer.
     */
    boolean closedByPeerWithin(Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        try {
            int b = in.read();
            if (b >= 0) {
                byte[] more = new byte[4096];
                int n = in.read(more);
                throw new AssertionError("unexpected bytes before the close: " + (char) b
                        + (n > 0 ? new String(more, 0, n, StandardCharsets.ISO_8859_1) : ""));
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            }
        }
    }

    private String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        while (true) {
            String line = readLine();
            if (line.isEmpty()) {
                return head.toString();
            }
            if (head.length() > 0) {
                head.append("\r\n");
            }
            head.append(line);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int b = next();
            if (prev == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            prev = b;
        }
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) next();
        }
        return b;
    }

    private int next() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new AssertionError("the gateway closed the connection before a whole response");
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A response as it came: status, headers (lower-case names), body. */
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }
}
