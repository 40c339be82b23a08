package ai.dexto.gateway.controlplane.payments;

import ai.dexto.gateway.controlplane.auth.Caller;
import ai.dexto.gateway.controlplane.auth.UserAuthenticator;
import ai.dexto.gateway.controlplane.daos.PaymentsDao;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** {@code GET /me/transactions}: the caller's own top-ups, newest first. */
@Path("/me/transactions")
@Produces(MediaType.APPLICATION_JSON)
public final class TransactionsResource {
    private final UserAuthenticator auth;
    private final PaymentsDao payments;

    public TransactionsResource(UserAuthenticator auth, PaymentsDao payments) {
        this.auth = auth;
        this.payments = payments;
    }

    @GET
    public Map<String, Object> transactions(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Caller caller = auth.authenticate(authorization);
        List<Map<String, Object>> out = payments.list(caller.userId(), null, 100).stream()
                .map(PaymentsResource::view).toList();
        return Map.of("transactions", out);
    }
}
