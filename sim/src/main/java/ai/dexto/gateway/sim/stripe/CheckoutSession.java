package ai.dexto.gateway.sim.stripe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Checkout Session and its life: open → complete (paid, or unpaid while a delayed payment method
 * settles) or open → expired. Mutated only under the {@link Checkout} monitor; {@link #toJson()}
 * snapshots it for responses and event payloads.
 */
final class CheckoutSession {
    static final long LIFETIME_SECONDS = 24 * 60 * 60;

    final String id;
    final String mode;
    final long amountTotal;
    final String currency;
    final String clientReferenceId;
    final String customerEmail;
    final Map<String, String> metadata;
    final String successUrl;
    final String cancelUrl;
    final long created;
    final String payUrl;
    String status = "open";
    String paymentStatus = "unpaid";
    String paymentIntent;
    /** Set once paid: the charge that refunds and disputes refer to. */
    String chargeId;
    long paidAt;
    long amountRefunded;
    boolean disputed;

    CheckoutSession(String id, String mode, long amountTotal, String currency, String clientReferenceId,
                    String customerEmail, Map<String, String> metadata, String successUrl, String cancelUrl,
                    long created, String payUrl) {
        this.id = id;
        this.mode = mode;
        this.amountTotal = amountTotal;
        this.currency = currency;
        this.clientReferenceId = clientReferenceId;
        this.customerEmail = customerEmail;
        this.metadata = metadata;
        this.successUrl = successUrl;
        this.cancelUrl = cancelUrl;
        this.created = created;
        this.payUrl = payUrl;
    }

    boolean isOpen() {
        return "open".equals(status);
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("object", "checkout.session");
        json.put("after_expiration", null);
        json.put("allow_promotion_codes", null);
        json.put("amount_subtotal", amountTotal);
        json.put("amount_total", amountTotal);
        json.put("automatic_tax", automaticTax());
        json.put("billing_address_collection", null);
        json.put("cancel_url", cancelUrl);
        json.put("client_reference_id", clientReferenceId);
        json.put("client_secret", null);
        json.put("created", created);
        json.put("currency", currency);
        json.put("customer", null);
        json.put("customer_creation", "if_required");
        json.put("customer_details", "complete".equals(status) ? customerDetails() : null);
        json.put("customer_email", customerEmail);
        json.put("expires_at", created + LIFETIME_SECONDS);
        json.put("invoice", null);
        json.put("livemode", false);
        json.put("locale", null);
        json.put("metadata", metadata);
        json.put("mode", mode);
        json.put("payment_intent", paymentIntent);
        json.put("payment_link", null);
        json.put("payment_method_collection", "if_required");
        json.put("payment_method_types", List.of("card"));
        json.put("payment_status", paymentStatus);
        json.put("recovered_from", null);
        json.put("setup_intent", null);
        json.put("shipping_options", List.of());
        json.put("status", status);
        json.put("submit_type", null);
        json.put("subscription", null);
        json.put("success_url", successUrl);
        json.put("total_details", Map.of("amount_discount", 0, "amount_shipping", 0, "amount_tax", 0));
        json.put("ui_mode", "hosted");
        json.put("url", isOpen() ? payUrl : null);
        return json;
    }

    private static Map<String, Object> automaticTax() {
        Map<String, Object> tax = new LinkedHashMap<>();
        tax.put("enabled", false);
        tax.put("liability", null);
        tax.put("status", null);
        return tax;
    }

    private Map<String, Object> customerDetails() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("address", null);
        details.put("email", customerEmail == null ? "buyer@example.com" : customerEmail);
        details.put("name", "Sim Buyer");
        details.put("phone", null);
        details.put("tax_exempt", "none");
        details.put("tax_ids", List.of());
        return details;
    }
}
