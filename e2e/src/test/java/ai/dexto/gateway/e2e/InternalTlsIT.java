package ai.dexto.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The control plane's internal port over TLS with a certificate from a test CA, and the real gateway
 * loading its feed and looking keys up through it, trusting that CA (DEXTO_CONTROL_CA_FILE, not the JVM's
 * trust store): a key provisioned after the
 * gateway started is served (the lookup and the feed crossed TLS). A client that does not trust the CA
 * is refused the handshake, and plain HTTP gets no answer from the port.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class InternalTlsIT {
    @Test
    void theGatewayReadsTheFeedOverTlsTrustingATestCa() throws Exception {
        TestCertificates certs = TestCertificates.create(Files.createTempDirectory("dexto-tls-"));
        LocalSystem system = LocalSystem.create();
        try {
            String internal = "https://127.0.0.1:" + system.controlInternalPort();
            system.env("DEXTO_CONTROL_INTERNAL_TLS_CERT", certs.certPem.toString())
                    .env("DEXTO_CONTROL_INTERNAL_TLS_KEY", certs.keyPem.toString())
                    .env("DEXTO_CONTROL_INTERNAL_URL", internal)
                    .env("DEXTO_CONTROL_CA_FILE", certs.caPem().toString());
            system.startSim();
            system.startControlPlane();
            system.startGateway(); // ready only once its first snapshot arrived over TLS

            HttpClient trusting = HttpClient.newBuilder().sslContext(certs.trustingContext())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> audit = trusting.send(HttpRequest.newBuilder(URI.create(internal + "/admin/audit"))
                    .header("Authorization", "Bearer " + LocalSystem.ADMIN_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, audit.statusCode(), audit.body());

            LocalSystem.User user = system.provisionUser();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            HttpResponse<String> valid;
            do {
                valid = system.send("GET", system.gatewayUrl() + "/keys/validate", user.apiKey(), null);
            } while (!valid.body().contains("\"valid\":true") && System.nanoTime() < deadline && pause());
            assertTrue(valid.body().contains("\"valid\":true"), valid.statusCode() + " " + valid.body());

            HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            IOException refused = assertThrows(IOException.class, () -> untrusting.send(
                    HttpRequest.newBuilder(URI.create(internal + "/admin/audit")).build(),
                    HttpResponse.BodyHandlers.ofString()));
            assertTrue(refused instanceof SSLException || refused.getCause() instanceof SSLException
                    || String.valueOf(refused.getMessage()).contains("PKIX"), refused.toString());
            HttpResponse<String> plain = null;
            try {
                plain = untrusting.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + system.controlInternalPort() + "/admin/audit")).header("Authorization", "Bearer "
                        + LocalSystem.ADMIN_TOKEN).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException expected) {
                // closed without an HTTP answer
            }
            assertTrue(plain == null || plain.statusCode() == 400, "plain HTTP was answered: "
                    + (plain == null ? "" : plain.statusCode() + " " + plain.body()));
            JsonNode checked = system.json(audit.body());
            assertTrue(checked.path("ok").asBoolean(), audit.body());
        } finally {
            system.close();
        }
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }
}
