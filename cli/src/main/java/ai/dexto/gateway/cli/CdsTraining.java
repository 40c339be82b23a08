package ai.dexto.gateway.cli;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;

/**
 * The build's class-data-sharing training run ({@code java -XX:ArchiveClassesAtExit=dexto-cli.jsa -cp
 * dexto-cli.jar ai.dexto.gateway.cli.CdsTraining}): runs the common commands through their real code
 * paths against a canned loopback server, so the archive holds the classes a real run loads (picocli,
 * jackson-core, HttpURLConnection, the commands). Prints nothing; touches only a temporary DEXTO_HOME.
 */
public final class CdsTraining {
    private static final String USAGE = "{\"balance\":\"9.50\",\"total_cost\":\"0.50\",\"total_requests\":3,"
            + "\"total_tokens\":120,\"by_model\":[{\"model\":\"openai/gpt-4o-mini\",\"requests\":3,\"tokens\":120,"
            + "\"cost\":\"0.50\"}],\"recent\":[],\"next_cursor\":null,\"start\":\"2026-12-01T00:00:00Z\"}";
    private static final String MODELS = "{\"data\":[{\"id\":\"openai/gpt-4o-mini\",\"name\":\"GPT-4o mini\","
            + "\"context_length\":128000,\"pricing\":{\"prompt\":\"0.00000015\",\"completion\":\"0.0000006\"}}]}";
    private static final String KEYS = "{\"keys\":[{\"id\":1,\"name\":\"default\",\"key_display\":\"abcd\","
            + "\"status\":\"active\",\"created_at\":\"2026-12-01T00:00:00Z\",\"last_used_at\":null}]}";

    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("dexto-cds-");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread responder = new Thread(() -> serve(server), "cds-responder");
            responder.setDaemon(true);
            responder.start();
            String url = "http://127.0.0.1:" + server.getLocalPort();
            Env env = new Env(Map.of("DEXTO_API_URL", url, "DEXTO_API_KEY", "dxt_cds_training_only",
                    "DEXTO_HOME", home.toString(), "CLICOLOR_FORCE", "1"), false);
            PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            BufferedReader noInput = new BufferedReader(new StringReader(""));
            for (String[] command : new String[][]{{"billing", "status"}, {"billing", "status", "--json"},
                    {"models"}, {"keys", "list"}, {"whoami"}, {"--help"}}) {
                DextoCli.run(new Ctx(env, sink, sink, noInput), command);
            }
        } finally {
            try (var files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                String requestLine = in.readLine();
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    // headers are not needed
                }
                String path = requestLine == null ? "" : requestLine.split(" ")[1];
                String body = path.startsWith("/v1/models") ? MODELS : path.startsWith("/keys") ? KEYS : USAGE;
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                return;
            }
        }
    }
}
