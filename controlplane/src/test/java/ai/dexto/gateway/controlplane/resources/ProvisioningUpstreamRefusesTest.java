package ai.dexto.gateway.controlplane.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The upstream and Stripe refuse us (wrong keys): 502s, and nothing is left half written. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProvisioningUpstreamRefusesTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness(
            java.util.Map.of("upstream.provisioningKey", "sk-or-prov-wrong", "stripe.secretKey", "sk_test_wrong"));
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;

    @AfterAll
    static void stopSim() {
        H.close();
    }

    @Test
    void aRefusedCheckoutIsA502AndItsTransactionIsMarkedFailed() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        try (Connection c = H.application().database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("WITH u AS (INSERT INTO users (id) VALUES (?) RETURNING id) "
                     + "INSERT INTO balances (user_id, balance_nanos) SELECT id, 0 FROM u")) {
            ps.setString(1, user);
            ps.executeUpdate();
        }
        Http.Reply r = H.api().post("/api/stripe/create-checkout-session", H.jwt(user), "{\"amount_usd\":10}");
        assertEquals(502, r.status(), r.toString());
        Http.Reply list = H.api().get("/me/transactions", H.jwt(user));
        assertEquals("failed", list.json().path("transactions").get(0).path("status").asText());
        assertEquals("0.00", H.api().get("/me/usage", H.jwt(user)).json().path("balance").asText());
    }

    @Test
    void aRefusedMintIsA502AndNothingIsHalfWritten() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        Http.Reply r = H.api().post("/api/provision", H.jwt(user), null);
        assertEquals(502, r.status(), r.toString());
        assertEquals("upstream_error", r.json().path("error").path("code").asText());
        try (Connection c = H.application().database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT (SELECT count(*) FROM users WHERE id = ?) + "
                     + "(SELECT count(*) FROM balances WHERE user_id = ?) + (SELECT count(*) FROM credit_ledger WHERE user_id = ?) "
                     + "+ (SELECT count(*) FROM api_keys WHERE user_id = ?) + (SELECT count(*) FROM upstream_keys WHERE user_id = ?)")) {
            for (int i = 1; i <= 5; i++) {
                ps.setString(i, user);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getInt(1));
            }
        }
    }
}
