package ai.dexto.gateway.controlplane.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 over a plain socket, for requests an HTTP client would normalise or refuse to send. */
public final class RawHttp {
    public record Reply(int status, String head, String body) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private RawHttp() {
    }

    public static Reply get(String host, int port, String rawPath, String authorization) throws IOException {
        String request = "GET " + rawPath + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Connection: close\r\n\r\n";
        return exchange(host, port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends the bytes and reads until the server closes; the answer split into head and body. */
    public static Reply exchange(String host, int port, byte[] request) throws IOException {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return parse(all.toString(StandardCharsets.ISO_8859_1));
        }
    }

    static Reply parse(String text) {
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 4);
        String[] status = head.split(" ", 3);
        return new Reply(status.length > 1 ? Integer.parseInt(status[1]) : -1, head, body);
    }
}
