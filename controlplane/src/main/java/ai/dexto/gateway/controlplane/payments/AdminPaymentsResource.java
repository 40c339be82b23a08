package ai.dexto.gateway.controlplane.payments;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.controlplane.auth.StaticTokenAuth;
import ai.dexto.gateway.controlplane.daos.LedgerDao;
import ai.dexto.gateway.controlplane.daos.PaymentsDao;
import ai.dexto.gateway.controlplane.daos.UnmatchedPaymentDao;
import ai.dexto.gateway.controlplane.db.Transactions;
import ai.dexto.gateway.controlplane.errors.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Admin view of payments: list by user and status ({@code unmatched}: Stripe payments, refunds and
 * disputes that matched nothing we sold, never credited); refunds and chargebacks as ledger debits of
 * what is still credited, so a Stripe refund event for the same money later takes nothing more.
 */
@Path("/admin/transactions")
@Produces(MediaType.APPLICATION_JSON)
public final class AdminPaymentsResource {
    private static final Set<String> STATUSES = Set.of("pending", "completed", "failed", "expired", "refunded",
            "unmatched");

    private final StaticTokenAuth admin;
    private final Transactions tx;
    private final PaymentsDao payments;
    private final UnmatchedPaymentDao unmatched;
    private final LedgerDao ledger;

    public AdminPaymentsResource(StaticTokenAuth admin, Transactions tx, PaymentsDao payments,
                                 UnmatchedPaymentDao unmatched, LedgerDao ledger) {
        this.admin = admin;
        this.tx = tx;
        this.payments = payments;
        this.unmatched = unmatched;
        this.ledger = ledger;
    }

    @GET
    public Map<String, Object> list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                    @QueryParam("user") String user, @QueryParam("status") String status) {
        admin.require(authorization);
        if (status != null && !status.isBlank() && !STATUSES.contains(status)) {
            throw ApiException.badRequest("invalid_status", "status must be one of " + STATUSES);
        }
        List<Map<String, Object>> out = "unmatched".equals(status)
                ? unmatched.list(blankToNull(user), 500).stream().map(AdminPaymentsResource::view).toList()
                : payments.list(blankToNull(user), blankToNull(status), 500).stream()
                        .map(PaymentsResource::view).toList();
        return Map.of("transactions", out);
    }

    /**
     * {@code {"kind":"refund"|"chargeback","reason":"…"}}: debits the completed transaction's amount once
     * (reference {@code refund:<id>}) and marks it refunded.
     */
    @POST
    @Path("/{id}/refund")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> refund(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                      @PathParam("id") String id, JsonNode body) {
        admin.require(authorization);
        UUID txId;
        try {
            txId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("No such transaction");
        }
        String kindText = body == null || body.get("kind") == null ? "refund" : body.get("kind").asText();
        LedgerDao.Kind kind = switch (kindText) {
            case "refund" -> LedgerDao.Kind.REFUND;
            case "chargeback" -> LedgerDao.Kind.CHARGEBACK;
            default -> throw ApiException.badRequest("invalid_kind", "kind must be refund or chargeback");
        };
        JsonNode reasonNode = body == null ? null : body.get("reason");
        String reason = reasonNode == null || !reasonNode.isTextual() ? "" : reasonNode.asText().trim();
        if (reason.isEmpty()) {
            throw ApiException.badRequest("missing_reason", "reason is required");
        }
        LedgerDao.Credit debit = tx.inTransaction(t -> {
            PaymentsDao.Transaction found = payments.lock(t, txId);
            if (found == null) {
                throw ApiException.notFound("No such transaction");
            }
            if (!"completed".equals(found.status())) {
                throw ApiException.conflict("not_refundable", "Only completed transactions can be refunded (status "
                        + found.status() + ")");
            }
            long remaining = found.amountNanos() - found.clawedBackNanos();
            LedgerDao.Credit c = ledger.credit(t, found.userId(), -remaining, kind, reason, "admin",
                    "refund:" + txId);
            payments.clawBack(t, txId, remaining, found.amountNanos());
            return c;
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", true);
        m.put("transaction_id", txId.toString());
        m.put("kind", kindText);
        m.put("balance", Money.format(debit.balanceNanos()));
        return m;
    }

    private static Map<String, Object> view(UnmatchedPaymentDao.Unmatched u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "unmatched-" + u.id());
        m.put("kind", u.eventType());
        m.put("status", "unmatched");
        m.put("reason", u.reason());
        m.put("user_id", u.claimedUser());
        m.put("amount_cents", u.amountCents());
        m.put("currency", u.currency());
        m.put("stripe_object_id", u.objectId());
        m.put("stripe_payment_intent_id", u.paymentIntent());
        m.put("stripe_event_id", u.eventId());
        m.put("created_at", u.createdAt() == null ? null : u.createdAt().toString());
        return m;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
