package ai.dexto.gateway.controlplane.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The upstream refuses to mint (a wrong provisioning key): 502, and no user, balance or key is left behind. */
class ProvisioningUpstreamRefusesTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness(
            java.util.Map.of("upstream.provisioningKey", "sk-or-prov-wrong"));
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;

    @AfterAll
    static void stopSim() {
        H.close();
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
