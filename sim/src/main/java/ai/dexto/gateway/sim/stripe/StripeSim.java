package ai.dexto.gateway.sim.stripe;

import ai.dexto.gateway.sim.SimConfig;
import io.netty.channel.ChannelHandler;
import java.time.Clock;
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
