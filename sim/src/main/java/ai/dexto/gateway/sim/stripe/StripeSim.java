package ai.dexto.gateway.sim.stripe;

import ai.dexto.gateway.sim.SimConfig;
import io.netty.channel.ChannelHandler;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Stripe side of the simulator: Checkout Sessions over Stripe's form-encoded API and signed
 * webhook events. Tests reach it through {@code Sim.stripe()} to aim webhooks at their receiver.
 */
public final class StripeSim implements AutoCloseable {
    /**
     * The API version stripe-java 33.3.0 pins ({@code com.stripe.Stripe.API_VERSION}); events carry it
     * so the SDK deserialises their {@code data.object}.
     */
    public static final String API_VERSION = "2026-07-29.dahlia";

    private final String secretKey;
    private final AtomicReference<WebhookSender.Target> target;
    private final WebhookSender webhooks;
    private final Checkout checkout;
    private final StripeHandler handler;

    public StripeSim(SimConfig config, Clock clock) {
        this.secretKey = config.stripeSecretKey();
        this.target = new AtomicReference<>(
                new WebhookSender.Target(config.stripeWebhookUrl(), config.stripeWebhookSecret()));
        this.webhooks = new WebhookSender(target::get, clock);
        this.checkout = new Checkout(clock, webhooks);
        this.handler = new StripeHandler(this, checkout, webhooks);
    }

    /** Where events go from now on (url null: record only) and the secret they are signed with. */
    public void setWebhook(String url, String secret) {
        target.set(new WebhookSender.Target(url, secret == null ? webhookSecret() : secret));
    }

    public String webhookUrl() {
        return target.get().url();
    }

    public String webhookSecret() {
        return target.get().secret();
    }

    public String secretKey() {
        return secretKey;
    }

    /**
     * Finishes a checkout as the buyer would (what {@code POST /sim/checkout/sessions/{id}/complete} does).
     *
     * @param paid    false: a delayed payment method, completed but still unpaid
     * @param deliver false: the event is recorded but held, for {@link #deliver} later
     * @return the id of the {@code checkout.session.completed} event
     * @throws IllegalStateException when the session is unknown or not open
     */
    public String completeSession(String sessionId, boolean paid, boolean deliver) {
        try {
            return checkout.complete(sessionId, paid, deliver).id;
        } catch (StripeErrors.Failure e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Settles a delayed payment; returns the {@code async_payment_succeeded|failed} event's id. */
    public String settleAsyncPayment(String sessionId, boolean succeeded) {
        try {
            return checkout.asyncResult(sessionId, succeeded, true).id;
        } catch (StripeErrors.Failure e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Refunds {@code cents} (null: the rest) of a paid session's charge; the {@code charge.refunded} event's id. */
    public String refund(String sessionId, Long cents, boolean deliver) {
        try {
            return checkout.refund(sessionId, cents, deliver).id;
        } catch (StripeErrors.Failure e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Disputes a paid session's charge; the {@code charge.dispute.created} event's id. */
    public String dispute(String sessionId, boolean deliver) {
        try {
            return checkout.dispute(sessionId, deliver).id;
        } catch (StripeErrors.Failure e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The ids of the disputes of a session's charge, oldest first. */
    public List<String> disputesOf(String sessionId) {
        return checkout.disputesOf(sessionId);
    }

    /** Closes a dispute won or lost; the {@code charge.dispute.closed} event's id. */
    public String closeDispute(String disputeId, boolean won, boolean deliver) {
        try {
            return checkout.closeDispute(disputeId, won, deliver).id;
        } catch (StripeErrors.Failure e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Delivers an event again as {@code copies} parallel requests and waits for their answers.
     *
     * @return each copy's HTTP status (-1: connection failed); empty when no webhook URL is set
     */
    public List<Integer> deliver(String eventId, int copies) {
        StripeEvent event = checkout.event(eventId);
        if (event == null) {
            throw new IllegalStateException("no such event: " + eventId);
        }
        try {
            return webhooks.deliver(event, copies).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while delivering " + eventId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("delivery of " + eventId + " failed", e);
        }
    }

    /** Whether an attempt of the event was recorded as delivered (2xx) within {@code millis}. */
    boolean awaitDelivered(String eventId, long millis) throws InterruptedException {
        StripeEvent event = checkout.event(eventId);
        if (event == null) {
            throw new IllegalStateException("no such event: " + eventId);
        }
        try {
            event.delivered().get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The router of the Stripe port; one instance for every connection. */
    public ChannelHandler handler() {
        return handler;
    }

    /** Called once bound, so session URLs point at the real port. */
    public void listeningOn(String baseUrl) {
        checkout.payBaseUrl(baseUrl);
    }

    @Override
    public void close() {
        webhooks.close();
    }
}
