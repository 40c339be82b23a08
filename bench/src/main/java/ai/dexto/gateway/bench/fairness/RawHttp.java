package ai.dexto.gateway.bench.fairness;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A blocking HTTP/1.1 connection from a chosen local address, as hostile clients use one: it writes
 * whatever it is told and reads only a status line, headers and a Content-Length body. Not a client
 * for well-behaved traffic (that is {@code LoadGenerator}).
 */
final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean reusable = true;

    RawHttp(InetAddress local, InetSocketAddress target, int timeoutMillis, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.bind(new InetSocketAddress(local, 0));
        socket.connect(target, timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void write(String head) throws IOException {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    void write(byte[] bytes, int length) throws IOException {
        out.write(bytes, 0, length);
    }

    /** Reads one answer; its status, and whether the connection can carry another request. */
    int readAnswer() throws IOException {
        String status = line();
        if (status == null || !status.startsWith("HTTP/1.1 ")) {
            throw new IOException("no answer");
        }
        long length = -1;
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                reusable = false;
            }
        }
        if (length < 0) {
            reusable = false;
        } else {
            in.skipNBytes(length);
        }
        return Integer.parseInt(status.substring(9, 12));
    }

    boolean reusable() {
        return reusable && !socket.isClosed();
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return null;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
