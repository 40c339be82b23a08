package ai.dexto.gateway.dataplane.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a client connection received, as the bytes on its socket: every outbound buffer of the
 * {@link EmbeddedChannel} is taken (and released) and parsed as HTTP/1.1 responses — a
 * {@code 100 Continue}, then one final answer with a chunked or {@code Content-Length} body.
 */
final class ClientView {
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();

    /** Takes what the channel wrote since the last call. */
    ClientView drain(EmbeddedChannel client) {
        Object o;
        while ((o = client.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            wire.writeBytes(bytes);
        }
        return this;
    }

    String raw() {
        return wire.toString(StandardCharsets.ISO_8859_1);
    }

    /** The final (non-1xx) response, parsed; null when its head has not arrived whole. */
    Response response() {
        String s = raw();
        int at = 0;
        while (true) {
            int end = s.indexOf("\r\n\r\n", at);
            if (end < 0) {
                return null;
            }
            String head = s.substring(at, end);
            int status = Integer.parseInt(head.substring(9, 12));
            if (status >= 200) {
                return parse(head, status, s.substring(end + 4));
            }
            at = end + 4;
        }
    }

    private static Response parse(String head, int status, String rest) {
        Map<String, String> headers = new LinkedHashMap<>();
        String[] lines = head.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            StringBuilder body = new StringBuilder();
            int at = 0;
            while (true) {
                int eol = rest.indexOf("\r\n", at);
                if (eol < 0) {
                    return new Response(status, headers, body.toString(), false);
                }
                int size = Integer.parseInt(rest.substring(at, eol), 16);
                if (size == 0) {
                    return new Response(status, headers, body.toString(), rest.startsWith("\r\n", eol + 2));
                }
                if (rest.length() < eol + 2 + size + 2) {
                    body.append(rest, eol + 2, Math.min(rest.length(), eol + 2 + size));
                    return new Response(status, headers, body.toString(), false);
                }
                body.append(rest, eol + 2, eol + 2 + size);
                if (!rest.startsWith("\r\n", eol + 2 + size)) {
                    throw new AssertionError("chunk of " + size + " not followed by CRLF: " + rest);
                }
                at = eol + 2 + size + 2;
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        return new Response(status, headers, rest.substring(0, Math.min(length, rest.length())), rest.length() >= length);
    }

    /** A response: its status, headers (lower-case names), body (ISO-8859-1, de-chunked), and whether it ended. */
    record Response(int status, Map<String, String> headers, String body, boolean complete) {
        String header(String name) {
            return headers.get(name);
        }
    }
}
