package ai.dexto.gateway.controlplane.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import ai.dexto.gateway.controlplane.support.RawHttp;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The control plane's limits with the production settings of ops/config/controlplane.yml. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness(Map.of(
            "limits.provision.perMinute", "6", "limits.provision.burst", "3",
            "limits.rotateKey.perMinute", "10", "limits.rotateKey.burst", "5",
            "limits.csvExport.perMinute", "6", "limits.csvExport.burst", "3"));
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;

    @AfterAll
    static void stopSim() {
        H.close();
    }

    static void assertRateLimited(Http.Reply r) {
        assertEquals(429, r.status(), r.toString());
        assertEquals("rate_limit_error", r.json().path("error").path("type").asText());
        assertEquals("rate_limit_exceeded", r.json().path("error").path("code").asText());
        long retryAfter = Long.parseLong(r.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
    }

    @Test
    void aRotationLoopIsCutAtTheBurstAndOtherUsersAreUntouched() {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        for (int i = 0; i < 5; i++) {
            assertEquals(200, H.api().post("/keys/rotate", H.jwt(user), null).status(), "rotation " + i);
        }
        assertRateLimited(H.api().post("/keys/rotate", H.jwt(user), null));
        assertEquals(6, H.api().get("/keys", H.jwt(user)).json().path("keys").size(), "the refused one issued nothing");
        String other = ControlPlaneHarness.newUserId();
        H.provision(other);
        assertEquals(200, H.api().post("/keys/rotate", H.jwt(other), null).status());
    }

    @Test
    void provisioningIsLimitedPerUser() {
        String user = ControlPlaneHarness.newUserId();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, H.api().post("/api/provision", H.jwt(user), null).status());
        }
        assertRateLimited(H.api().post("/api/provision", H.jwt(user), null));
    }

    @Test
    void csvExportsAreBoundedInRangeAndRate() {
        String user = ControlPlaneHarness.newUserId();
        String key = H.provision(user);
        Http.Reply wide = H.api().get("/me/usage.csv?start=2025-01-01&end=2026-01-02", key);
        assertEquals(400, wide.status(), wide.toString());
        assertEquals("range_too_large", wide.json().path("error").path("code").asText());
        for (int i = 0; i < 3; i++) {
            Http.Reply ok = H.api().get("/me/usage.csv?start=2025-01-01&end=2025-12-31", key);
            assertEquals(200, ok.status(), ok.toString());
            assertTrue(ok.body().startsWith("request_id,"));
        }
        assertRateLimited(H.api().get("/me/usage.csv", key));
    }

    @Test
    void aBodyDeclaredTooLargeIsRefusedWith413BeforeItIsSent() throws IOException {
        String head = "POST /api/stripe/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Stripe-Signature: t=1,v1=00\r\nContent-Length: 10000000\r\n\r\n";
        RawHttp.Reply r = RawHttp.exchange("127.0.0.1", H.app.getLocalPort(), head.getBytes(StandardCharsets.US_ASCII));
        assertEquals(413, r.status(), r.toString());
        assertTrue(r.body().contains("\"error\""), r.toString());
    }

    @Test
    void aChunkedBodyIsCutOffPastTheLimitInsteadOfBuffered() throws IOException {
        // the webhook reads raw bytes, a JSON resource parses as it reads: both stop at the limit
        assertChunkedBodyCutOff(H.app.getLocalPort(), "/api/stripe/webhook");
        assertChunkedBodyCutOff(H.application().internalPort(), "/admin/users/nobody/credits");
    }

    private static void assertChunkedBodyCutOff(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + ControlPlaneHarness.ADMIN_TOKEN + "\r\n"
                    + "Stripe-Signature: t=1,v1=00\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write("4000\r\n{\"reason\":\"".getBytes(StandardCharsets.US_ASCII));
            out.write(("a".repeat(0x4000 - 11) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("4000\r\n" + "a".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 64; i++) { // 1 MiB, far past the 64 KiB limit
                    out.write(chunk);
                }
                out.flush();
            } catch (SocketException e) {
                // the server closed the connection on us: that is cutting it off too
            }
            String answer = readAll(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), path + ": " + answer);
            assertTrue(answer.contains("body_too_large"), path + ": " + answer);
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            in.transferTo(all);
        } catch (SocketException e) {
            // reset after the answer: what was read is the answer
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}
