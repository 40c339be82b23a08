package ai.dexto.gateway.sim.stripe;

import ai.dexto.gateway.sim.http.Responses;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checkout Sessions and the events their changes raise. One monitor guards all state: Stripe traffic
 * in tests is a handful of requests, and a single lock makes every transition (and its event) atomic.
 */
final class Checkout {
    private final Clock clock;
    private final WebhookSender webhooks;
    private final Map<String, CheckoutSession> sessions = new LinkedHashMap<>();
    private final Map<String, byte[]> idempotent = new LinkedHashMap<>();
    private final Map<String, StripeEvent> events = new LinkedHashMap<>();
    private final Map<String, ChargeObjects.Dispute> disputes = new LinkedHashMap<>();
    private String payBaseUrl = "";

    Checkout(Clock clock, WebhookSender webhooks) {
        this.clock = clock;
        this.webhooks = webhooks;
    }

    synchronized void payBaseUrl(String baseUrl) {
        this.payBaseUrl = baseUrl + "/pay/";
    }

    /** The session response; a repeated idempotency key gets the first response again. */
    synchronized Created create(FormParams form, String idempotencyKey) {
        if (idempotencyKey != null && idempotent.containsKey(idempotencyKey)) {
            return new Created(idempotent.get(idempotencyKey), true);
        }
        String mode = form.get("mode");
        if (mode == null) {
            throw new StripeErrors.Failure(400, "Missing required param: mode.", "parameter_missing", "mode");
        }
        if (!List.of("payment", "setup", "subscription").contains(mode)) {
            throw new StripeErrors.Failure(400, "Invalid mode: must be one of payment, setup, or subscription",
                    "parameter_invalid_empty", "mode");
        }
        int items = form.count("line_items");
        if (items == 0 && !"setup".equals(mode)) {
            throw new StripeErrors.Failure(400, "You must provide at least one line item.", "parameter_missing",
                    "line_items");
        }
        long amount = 0;
        String currency = null;
        for (int i = 0; i < items; i++) {
            String item = "line_items[" + i + "]";
            String unitAmount = form.get(item + "[price_data][unit_amount]");
            String itemCurrency = form.get(item + "[price_data][currency]");
            if (unitAmount == null || itemCurrency == null) {
                throw new StripeErrors.Failure(400, "Missing required param: " + item + "[price_data].",
                        "parameter_missing", item + "[price_data]");
            }
            String quantity = form.get(item + "[quantity]");
            amount += parseLong(unitAmount, item + "[price_data][unit_amount]")
                    * (quantity == null ? 1 : parseLong(quantity, item + "[quantity]"));
            currency = itemCurrency.toLowerCase(Locale.ROOT);
        }
        String id = StripeIds.next("cs_test_", 58);
        CheckoutSession session = new CheckoutSession(id, mode, amount, currency, form.get("client_reference_id"),
                form.get("customer_email"), form.map("metadata"), form.get("success_url"), form.get("cancel_url"),
                clock.instant().getEpochSecond(), payBaseUrl + id);
        sessions.put(id, session);
        byte[] body = Responses.toBytes(session.toJson());
        if (idempotencyKey != null) {
            idempotent.put(idempotencyKey, body);
        }
        return new Created(body, false);
    }

    record Created(byte[] body, boolean replayed) {
    }

    synchronized Map<String, Object> get(String id) {
        return session(id).toJson();
    }

    synchronized Map<String, Object> expire(String id) {
        CheckoutSession session = session(id);
        if (!session.isOpen()) {
            throw new StripeErrors.Failure(400, "Only Checkout Sessions with a status in [\"open\"] can be expired. "
                    + "This Checkout Session has a status of \"" + session.status + "\".", null, null);
        }
        session.status = "expired";
        raise("checkout.session.expired", session, true);
        return session.toJson();
    }

    /** The buyer finished checkout: paid at once, or (delayed payment method) still unpaid. */
    synchronized StripeEvent complete(String id, boolean paid, boolean deliver) {
        CheckoutSession session = session(id);
        if (!session.isOpen()) {
            throw new StripeErrors.Failure(400, "This Checkout Session is " + session.status + ".", null, null);
        }
        session.status = "complete";
        session.paymentStatus = paid ? "paid" : "unpaid";
        session.paymentIntent = StripeIds.next("pi_", 24);
        if (paid) {
            charged(session);
        }
        return raise("checkout.session.completed", session, deliver);
    }

    /** A delayed payment settled, one way or the other. */
    synchronized StripeEvent asyncResult(String id, boolean succeeded, boolean deliver) {
        CheckoutSession session = session(id);
        if (!"complete".equals(session.status) || !"unpaid".equals(session.paymentStatus)) {
            throw new StripeErrors.Failure(400, "Only a completed, unpaid Checkout Session awaits an async payment.",
                    null, null);
        }
        if (succeeded) {
            session.paymentStatus = "paid";
            charged(session);
        }
        return raise(succeeded ? "checkout.session.async_payment_succeeded" : "checkout.session.async_payment_failed",
                session, deliver);
    }

    /**
     * A refund of the session's charge, as the dashboard or {@code POST /v1/refunds} makes: {@code amount}
     * cents (null: all that is left); raises {@code charge.refunded} with the cumulative amount refunded.
     */
    synchronized StripeEvent refund(String id, Long amount, boolean deliver) {
        CheckoutSession session = paidSession(id);
        long left = session.amountTotal - session.amountRefunded;
        long cents = amount == null ? left : amount;
        if (cents <= 0 || cents > left) {
            throw new StripeErrors.Failure(400, "Refund amount (" + cents + ") is greater than unrefunded amount on "
                    + "charge (" + left + ")", "amount_too_large", "amount");
        }
        session.amountRefunded += cents;
        return raise("charge.refunded", session.id, ChargeObjects.charge(session), deliver);
    }

    /** The buyer's bank disputes the charge: {@code charge.dispute.created}, status needs_response. */
    synchronized StripeEvent dispute(String id, boolean deliver) {
        CheckoutSession session = paidSession(id);
        if (session.disputed) {
            throw new StripeErrors.Failure(400, "Charge " + session.chargeId + " has already been disputed.",
                    "charge_disputed", null);
        }
        session.disputed = true;
        ChargeObjects.Dispute d = new ChargeObjects.Dispute(StripeIds.next("dp_", 24), session.id,
                session.amountTotal, clock.instant().getEpochSecond(), "fraudulent", "needs_response");
        disputes.put(d.id, d);
        return raise("charge.dispute.created", session.id, ChargeObjects.dispute(d, session), deliver);
    }

    /** The bank decided: {@code charge.dispute.closed} with status won or lost. */
    synchronized StripeEvent closeDispute(String disputeId, boolean won, boolean deliver) {
        ChargeObjects.Dispute d = disputes.get(disputeId);
        if (d == null) {
            throw new StripeErrors.Failure(404, "No such dispute: '" + disputeId + "'", "resource_missing", "dispute");
        }
        if (!"needs_response".equals(d.status) && !"under_review".equals(d.status)) {
            throw new StripeErrors.Failure(400, "This dispute is already closed (" + d.status + ").", null, null);
        }
        d.status = won ? "won" : "lost";
        return raise("charge.dispute.closed", d.sessionId, ChargeObjects.dispute(d, sessions.get(d.sessionId)),
                deliver);
    }

    /** The disputes of a session's charge, newest last (for the controls' answers and tests). */
    synchronized List<String> disputesOf(String sessionId) {
        return disputes.values().stream().filter(d -> d.sessionId.equals(sessionId)).map(d -> d.id).toList();
    }

    private void charged(CheckoutSession session) {
        session.chargeId = StripeIds.next("ch_", 24);
        session.paidAt = clock.instant().getEpochSecond();
    }

    private CheckoutSession paidSession(String id) {
        CheckoutSession session = session(id);
        if (session.chargeId == null) {
            throw new StripeErrors.Failure(400, "Checkout Session " + id + " has no successful charge.", null, null);
        }
        return session;
    }

    synchronized CheckoutSession find(String id) {
        return sessions.get(id);
    }

    synchronized StripeEvent event(String id) {
        return events.get(id);
    }

    synchronized List<StripeEvent> events() {
        return new ArrayList<>(events.values());
    }

    private StripeEvent raise(String type, CheckoutSession session, boolean deliver) {
        return raise(type, session.id, session.toJson(), deliver);
    }

    private StripeEvent raise(String type, String sessionId, Map<String, Object> object, boolean deliver) {
        long now = clock.instant().getEpochSecond();
        String id = StripeIds.next("evt_", 24);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", null);
        request.put("idempotency_key", null);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("object", "event");
        json.put("api_version", StripeSim.API_VERSION);
        json.put("created", now);
        json.put("data", Map.of("object", object));
        json.put("livemode", false);
        json.put("pending_webhooks", 1);
        json.put("request", request);
        json.put("type", type);
        StripeEvent event = new StripeEvent(id, type, now, sessionId, Responses.toBytes(json));
        events.put(id, event);
        if (deliver) {
            webhooks.deliver(event, 1);
        }
        return event;
    }

    private CheckoutSession session(String id) {
        CheckoutSession session = sessions.get(id);
        if (session == null) {
            throw new StripeErrors.Failure(404, "No such checkout.session: '" + id + "'", "resource_missing", "session");
        }
        return session;
    }

    private static long parseLong(String value, String param) {
        try {
            long n = Long.parseLong(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new StripeErrors.Failure(400, "Invalid integer: " + value, "parameter_invalid_integer", param);
        }
    }
}
