package ai.dexto.gateway.controlplane.payments;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.controlplane.auth.Caller;
import ai.dexto.gateway.controlplane.auth.UserAuthenticator;
import ai.dexto.gateway.controlplane.daos.LedgerDao;
import ai.dexto.gateway.controlplane.daos.PaymentsDao;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /me/transactions}: the caller's own top-ups (any status) and intro credit, newest first.
 * Each has a {@code kind} ({@code topup} or {@code intro}), amount, status and times.
 */
@Path("/me/transactions")
@Produces(MediaType.APPLICATION_JSON)
public final class TransactionsResource {
    private final UserAuthenticator auth;
    private final PaymentsDao payments;
    private final LedgerDao ledger;

    public TransactionsResource(UserAuthenticator auth, PaymentsDao payments, LedgerDao ledger) {
        this.auth = auth;
        this.payments = payments;
        this.ledger = ledger;
    }

    @GET
    public Map<String, Object> transactions(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Caller caller = auth.authenticate(authorization);
        List<Map<String, Object>> out = new ArrayList<>();
        payments.list(caller.userId(), null, 100).forEach(t -> out.add(PaymentsResource.view(t)));
        for (LedgerDao.CreditRow c : ledger.creditsOf(caller.userId(), 100)) {
            if (c.kind().equals(LedgerDao.Kind.INTRO.sql())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", "credit-" + c.id());
                m.put("kind", c.kind());
                m.put("amount", Money.format(c.amountNanos()));
                m.put("status", "completed");
                m.put("stripe_session_id", null);
                m.put("created_at", c.createdAt() == null ? null : c.createdAt().toString());
                m.put("completed_at", c.createdAt() == null ? null : c.createdAt().toString());
                out.add(m);
            }
        }
        out.sort(Comparator.comparing((Map<String, Object> m) -> m.get("created_at") == null ? Instant.EPOCH
                : Instant.parse((String) m.get("created_at"))).reversed());
        return Map.of("transactions", out);
    }
}
