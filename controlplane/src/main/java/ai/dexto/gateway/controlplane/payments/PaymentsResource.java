package ai.dexto.gateway.controlplane.payments;

import ai.dexto.gateway.controlplane.auth.Caller;
import ai.dexto.gateway.controlplane.auth.UserAuthenticator;
import ai.dexto.gateway.controlplane.daos.PaymentsDao;
import ai.dexto.gateway.controlplane.errors.ApiException;
import ai.dexto.gateway.controlplane.provisioning.UpstreamLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.model.Event;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Top-ups: start a Stripe checkout, receive Stripe's webhook. */
@Path("/api/stripe")
@Produces(MediaType.APPLICATION_JSON)
public final class PaymentsResource {
    private final UserAuthenticator auth;
    private final Checkout checkout;
    private final WebhookProcessor webhooks;
    private final UpstreamLimits limits;

    public PaymentsResource(UserAuthenticator auth, Checkout checkout, WebhookProcessor webhooks,
                            UpstreamLimits limits) {
        this.auth = auth;
        this.checkout = checkout;
        this.webhooks = webhooks;
        this.limits = limits;
    }

    /** {@code {"amount_usd": 25}}, one of the configured packs. */
    @POST
    @Path("/create-checkout-session")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> createCheckoutSession(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                                     JsonNode body) {
        Caller caller = auth.authenticate(authorization);
        JsonNode amount = body == null ? null : body.get("amount_usd");
        long usd;
        if (amount != null && amount.canConvertToExactIntegral() && amount.isNumber()) {
            usd = amount.longValue();
        } else if (amount != null && amount.isTextual() && amount.asText().matches("\\d{1,6}(\\.0+)?")) {
            usd = Long.parseLong(amount.asText().replaceAll("\\.0+$", ""));
        } else {
            throw ApiException.badRequest("invalid_amount", "amount_usd must be a whole-dollar credit pack");
        }
        Checkout.Started s = checkout.start(caller.userId(), usd);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionId", s.sessionId());
        m.put("sessionUrl", s.sessionUrl());
        m.put("transactionId", s.transactionId().toString());
        return m;
    }

    /** Stripe's webhook: the raw body is verified against {@code Stripe-Signature} before anything is read. */
    @POST
    @Path("/webhook")
    @Consumes(MediaType.WILDCARD)
    public Map<String, Object> webhook(@HeaderParam("Stripe-Signature") String signature, byte[] body) {
        Event event = webhooks.verify(new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8), signature);
        WebhookProcessor.Result r = webhooks.apply(event);
        if (r.outcome() == WebhookProcessor.Outcome.CREDITED || r.outcome() == WebhookProcessor.Outcome.RESTORED) {
            limits.raiseIfNeeded(r.userId());
        }
        return Map.of("received", true, "outcome", r.outcome().name().toLowerCase(java.util.Locale.ROOT));
    }

    static Map<String, Object> view(PaymentsDao.Transaction t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id().toString());
        m.put("kind", "topup");
        m.put("user_id", t.userId());
        m.put("amount", ai.dexto.gateway.common.money.Money.format(t.amountNanos()));
        m.put("status", t.status());
        m.put("refunded", ai.dexto.gateway.common.money.Money.format(t.clawedBackNanos()));
        m.put("stripe_session_id", t.sessionId());
        m.put("created_at", t.createdAt() == null ? null : t.createdAt().toString());
        m.put("completed_at", t.completedAt() == null ? null : t.completedAt().toString());
        return m;
    }
}
