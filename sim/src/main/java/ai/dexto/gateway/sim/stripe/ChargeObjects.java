package ai.dexto.gateway.sim.stripe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The charge and dispute objects of a paid session, as Stripe renders them in {@code charge.*} events
 * (API version {@value StripeSim#API_VERSION}): amounts in the smallest currency unit, the refunds so
 * far as the cumulative {@code amount_refunded}, the payment intent that links both to the session.
 */
final class ChargeObjects {
    /** One dispute of a charge; its status moves needs_response → won | lost. */
    static final class Dispute {
        final String id;
        final String sessionId;
        final long amount;
        final long created;
        final String reason;
        String status;

        Dispute(String id, String sessionId, long amount, long created, String reason, String status) {
            this.id = id;
            this.sessionId = sessionId;
            this.amount = amount;
            this.created = created;
            this.reason = reason;
            this.status = status;
        }
    }

    private ChargeObjects() {
    }

    static Map<String, Object> charge(CheckoutSession s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", s.chargeId);
        json.put("object", "charge");
        json.put("amount", s.amountTotal);
        json.put("amount_captured", s.amountTotal);
        json.put("amount_refunded", s.amountRefunded);
        json.put("balance_transaction", "txn_" + s.chargeId.substring(3));
        json.put("captured", true);
        json.put("created", s.paidAt);
        json.put("currency", s.currency);
        json.put("customer", null);
        json.put("description", null);
        json.put("disputed", s.disputed);
        json.put("failure_code", null);
        json.put("failure_message", null);
        json.put("livemode", false);
        json.put("metadata", Map.of());
        json.put("outcome", Map.of("network_status", "approved_by_network", "risk_level", "normal",
                "seller_message", "Payment complete.", "type", "authorized"));
        json.put("paid", true);
        json.put("payment_intent", s.paymentIntent);
        json.put("payment_method", "pm_" + s.chargeId.substring(3));
        json.put("receipt_email", s.customerEmail);
        json.put("refunded", s.amountRefunded == s.amountTotal);
        json.put("status", "succeeded");
        return json;
    }

    static Map<String, Object> dispute(Dispute d, CheckoutSession s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", d.id);
        json.put("object", "dispute");
        json.put("amount", d.amount);
        json.put("balance_transactions", List.of());
        json.put("charge", s.chargeId);
        json.put("created", d.created);
        json.put("currency", s.currency);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("due_by", d.created + 7 * 24 * 3600);
        evidence.put("has_evidence", false);
        evidence.put("past_due", false);
        evidence.put("submission_count", 0);
        json.put("evidence_details", evidence);
        json.put("is_charge_refundable", false);
        json.put("livemode", false);
        json.put("metadata", Map.of());
        json.put("payment_intent", s.paymentIntent);
        json.put("reason", d.reason);
        json.put("status", d.status);
        return json;
    }
}
