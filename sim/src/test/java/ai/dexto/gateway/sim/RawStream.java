package ai.dexto.gateway.sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A chat request over a bare socket, for what an HTTP client hides: leaving mid-stream, a reset
 * connection, a stalled one. Reads raw bytes (chunked framing included) as they arrive.
 */
public final class RawStream implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private boolean ended;
    private IOException failure;

    private RawStream(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    public static RawStream post(int port, String path, String bearer, String body, String... headers) {
        try {
            Socket socket = new Socket("127.0.0.1", port);
            StringBuilder request = new StringBuilder()
                    .append("POST ").append(path).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1\r\n")
                    .append("Authorization: Bearer ").append(bearer).append("\r\n")
                    .append("Content-Type: application/json\r\n");
            for (int i = 0; i + 1 < headers.length; i += 2) {
                request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            request.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return new RawStream(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads until {@code count} token chunks arrived, the stream ended, or {@code millis} passed. */
    public int readChunks(int count, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (chunks() < count && !ended && System.currentTimeMillis() < deadline) {
            readOnce((int) Math.max(1, deadline - System.currentTimeMillis()));
        }
        return chunks();
    }

    /** Reads until what arrived holds {@code marker}, the stream ended, or {@code millis} passed; true when it holds it. */
    public boolean readUntil(String marker, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (!text().contains(marker) && !ended && System.currentTimeMillis() < deadline) {
            readOnce((int) Math.max(1, deadline - System.currentTimeMillis()));
        }
        return text().contains(marker);
    }

    /** Reads until the peer closes or resets, or {@code millis} passed; true when it did end. */
    public boolean readToEnd(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (!ended && System.currentTimeMillis() < deadline) {
            readOnce((int) Math.max(1, deadline - System.currentTimeMillis()));
        }
        return ended;
    }

    private void readOnce(int timeoutMillis) {
        byte[] buffer = new byte[8192];
        try {
            socket.setSoTimeout(timeoutMillis);
            int n = in.read(buffer);
            if (n < 0) {
                ended = true;
            } else {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // nothing arrived in time: the caller's deadline decides
        } catch (IOException e) {
            failure = e;
            ended = true;
        }
    }

    /** Token chunks seen so far (data events that carry a delta with content). */
    public int chunks() {
        String text = text();
        int count = 0;
        for (int i = text.indexOf("\"delta\":{\"role\":\"assistant\",\"content\":\""); i >= 0;
             i = text.indexOf("\"delta\":{\"role\":\"assistant\",\"content\":\"", i + 1)) {
            if (text.charAt(i + 39) != '"') {
                count++;
            }
        }
        return count;
    }

    public String text() {
        return received.toString(StandardCharsets.UTF_8);
    }

    /** The generation id of the stream, from its first data chunk. */
    public String generationId() {
        String text = text();
        int start = text.indexOf("\"id\":\"gen-");
        return start < 0 ? null : text.substring(start + 6, text.indexOf('"', start + 6));
    }

    public IOException failure() {
        return failure;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
