package ai.dexto.gateway.cli.http;

import ai.dexto.gateway.cli.CliException;
import ai.dexto.gateway.cli.ExitCodes;
import ai.dexto.gateway.cli.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * HTTP for the CLI, on {@link HttpURLConnection}: it starts in milliseconds where
 * {@code java.net.http.HttpClient} costs a few hundred (shared/TOOLCHAIN.md, "A fast Java CLI"), and a
 * command makes one or two calls. JSON bodies in and out; a streamed answer is handed over as a stream.
 */
public final class ApiClient {
    public static final String USER_AGENT = "dexto-cli-java/0.1";
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int READ_TIMEOUT_MS = 120_000;

    /** A complete answer: status, body text and the headers a caller asked about. */
    public record Reply(int status, String body, HttpURLConnection connection) {
        public Map<String, Object> json() {
            return body == null || body.isBlank() ? Map.of() : Json.object(body);
        }

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public String header(String name) {
            return connection.getHeaderField(name);
        }

        /** The message of an error body ({@code {"error":{"message"}}}, or RFC 8628's {@code error_description}). */
        public String errorMessage() {
            try {
                Map<String, Object> body = json();
                Object error = body.get("error");
                if (error instanceof Map<?, ?> m && m.get("message") != null) {
                    return m.get("message").toString();
                }
                if (body.get("error_description") != null) {
                    return body.get("error_description").toString();
                }
                if (error != null) {
                    return error.toString();
                }
            } catch (RuntimeException ignored) {
                // not JSON: the status says enough
            }
            return "HTTP " + status;
        }
    }

    public Reply send(String method, String url, String bearer, String jsonBody, Map<String, String> headers) {
        HttpURLConnection c = open(method, url, bearer, jsonBody, headers);
        try {
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            return new Reply(status, in == null ? "" : readAll(in), c);
        } catch (IOException e) {
            throw unreachable(url, e);
        }
    }

    /** Opens a request and sends its body; the caller reads the (streamed) answer and disconnects. */
    public HttpURLConnection open(String method, String url, String bearer, String jsonBody,
                                  Map<String, String> headers) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setRequestMethod(method);
            c.setConnectTimeout(CONNECT_TIMEOUT_MS);
            c.setReadTimeout(READ_TIMEOUT_MS);
            c.setRequestProperty("User-Agent", USER_AGENT);
            c.setRequestProperty("Accept", "application/json");
            if (bearer != null) {
                c.setRequestProperty("Authorization", "Bearer " + bearer);
            }
            headers.forEach(c::setRequestProperty);
            if (jsonBody != null) {
                byte[] bytes = jsonBody.getBytes(StandardCharsets.UTF_8);
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                c.setFixedLengthStreamingMode(bytes.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(bytes);
                }
            }
            return c;
        } catch (IOException e) {
            throw unreachable(url, e);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.ERROR, "Bad URL " + url + " (check DEXTO_API_URL)");
        }
    }

    public Reply get(String url, String bearer) {
        return send("GET", url, bearer, null, Map.of());
    }

    public Reply post(String url, String bearer, String jsonBody) {
        return send("POST", url, bearer, jsonBody, Map.of());
    }

    public static String readAll(InputStream in) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    public static CliException unreachable(String url, IOException e) {
        String host = url.replaceFirst("^(https?://[^/]+).*$", "$1");
        return new CliException(ExitCodes.ERROR, "Cannot reach " + host + " (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
}
