package ai.dexto.gateway.sim.stripe;

import ai.dexto.gateway.sim.http.Responses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Locale;

/**
 * The hosted checkout page a session's {@code url} points to: a one-button form. Paying completes the
 * session as paid, sends {@code checkout.session.completed}, and redirects to the success URL (with
 * {@code {CHECKOUT_SESSION_ID}} filled in, as Stripe does).
 */
final class PayPage {
    private PayPage() {
    }

    static FullHttpResponse handle(Checkout checkout, HttpMethod method, String sessionId) {
        CheckoutSession session = checkout.find(sessionId);
        if (session == null) {
            return page(HttpResponseStatus.NOT_FOUND, "<p>No such checkout session.</p>");
        }
        if (HttpMethod.POST.equals(method)) {
            checkout.complete(sessionId, true, true);
            if (session.successUrl == null) {
                return page(HttpResponseStatus.OK, "<p>Payment received. You can close this page.</p>");
            }
            return Responses.redirect(session.successUrl.replace("{CHECKOUT_SESSION_ID}", sessionId));
        }
        if (!session.isOpen()) {
            return page(HttpResponseStatus.OK, "<p>This checkout session is " + session.status + ".</p>");
        }
        String amount = String.format(Locale.ROOT, "%d.%02d %s", session.amountTotal / 100, session.amountTotal % 100,
                session.currency == null ? "" : session.currency.toUpperCase(Locale.ROOT));
        return page(HttpResponseStatus.OK, "<h1>Dexto credits</h1><p>Amount: " + amount + "</p>"
                + "<form method=\"post\"><button type=\"submit\">Pay</button></form>");
    }

    private static FullHttpResponse page(HttpResponseStatus status, String body) {
        return Responses.text(status, Responses.HTML,
                "<!doctype html><html><head><title>Simulated Stripe Checkout</title></head><body>" + body
                        + "</body></html>");
    }
}
