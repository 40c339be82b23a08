package ai.dexto.gateway.controlplane.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import ai.dexto.gateway.controlplane.support.RawHttp;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InternalPortTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness();
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;

    @AfterAll
    static void stopSim() {
        H.close();
    }

    @Test
    void adminAndInternalAnswerOnTheInternalPortOnly() {
        assertEquals(200, H.internal().get("/admin/audit", ControlPlaneHarness.ADMIN_TOKEN).status());
        assertEquals(200, H.internal().get("/internal/feed/snapshot?node=n", ControlPlaneHarness.INTERNAL_TOKEN).status());

        Http.Reply admin = H.api().get("/admin/audit", ControlPlaneHarness.ADMIN_TOKEN);
        assertEquals(404, admin.status(), admin.toString());
        assertEquals("not_found_error", admin.json().path("error").path("type").asText());
        assertEquals(404, H.api().get("/internal/feed/snapshot?node=n", ControlPlaneHarness.INTERNAL_TOKEN).status());
        assertEquals(404, H.api().post("/admin/users/x/credits", ControlPlaneHarness.ADMIN_TOKEN,
                "{\"amount_usd\":\"5\",\"reason\":\"x\"}").status());
    }

    @Test
    void noSpellingOfAnInternalPathReachesItThroughThePublicPort() throws IOException {
        for (String path : List.of("//admin/audit", "/%61dmin/audit", "/admin;x=1/audit", "/./admin/audit",
                "/api/../admin/audit", "/admin/audit/", "/%2561dmin/audit", "/internal/feed/snapshot%3Fnode=n",
                "/admin%2Faudit", "/ADMIN/audit")) {
            RawHttp.Reply r = RawHttp.get("127.0.0.1", H.app.getLocalPort(), path,
                    "Bearer " + ControlPlaneHarness.ADMIN_TOKEN);
            assertTrue(r.status() == 404 || r.status() == 400, path + " → " + r);
            assertFalse(r.body().contains("users_checked"), path + " reached the audit: " + r);
        }
    }

    @Test
    void publicResourcesAreNotServedOnTheInternalPort() {
        String key = H.provision(ControlPlaneHarness.newUserId());
        assertEquals(200, H.api().get("/keys", key).status());
        assertEquals(404, H.internal().get("/keys", key).status());
        assertEquals(404, H.internal().get("/me/usage", key).status());
        assertEquals(404, H.internal().post("/api/stripe/webhook", null, "{}").status());
        assertEquals(404, H.internal().post("/api/provision", H.jwt(ControlPlaneHarness.newUserId()), null).status());
    }

    @Test
    void theInternalPortIsBoundToLoopbackOnly() throws IOException {
        int port = H.application().internalPort();
        assertNotEquals(H.app.getLocalPort(), port);
        InetAddress outside = null;
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            for (InetAddress a : nic.inetAddresses().toList()) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    outside = a;
                }
            }
        }
        Assumptions.assumeTrue(outside != null, "this machine has no non-loopback IPv4 address");
        InetAddress address = outside;
        assertThrows(IOException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 2_000);
            }
        }, "the internal port answered on " + address);
    }
}
