package ai.dexto.gateway.controlplane.payments;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.controlplane.config.StripeSettings;
import ai.dexto.gateway.controlplane.daos.PaymentsDao;
import ai.dexto.gateway.controlplane.daos.UserDao;
import ai.dexto.gateway.controlplane.db.Transactions;
import ai.dexto.gateway.controlplane.errors.ApiException;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.checkout.SessionCreateParams;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a top-up: a pending transaction row, then a Stripe Checkout Session for one credit pack
 * (idempotent on our transaction id, so a retried call never opens two sessions for it).
 */
public final class Checkout {
    private static final Logger log = LoggerFactory.getLogger(Checkout.class);

    public record Started(UUID transactionId, String sessionId, String sessionUrl) {
    }

    private final StripeClient stripe;
    private final StripeSettings settings;
    private final Transactions tx;
    private final UserDao users;
    private final PaymentsDao payments;

    public Checkout(StripeClient stripe, StripeSettings settings, Transactions tx, UserDao users, PaymentsDao payments) {
        this.stripe = stripe;
        this.settings = settings;
        this.tx = tx;
        this.users = users;
        this.payments = payments;
    }

    public Started start(String userId, long amountUsd) {
        if (!settings.packsUsd.contains(amountUsd)) {
            throw ApiException.badRequest("invalid_amount", "amount_usd must be one of " + settings.packsUsd);
        }
        UUID id = UUID.randomUUID();
        tx.inTransaction(t -> {
            if (!users.exists(t, userId)) {
                throw ApiException.notFound("Unknown user: provision first (POST /api/provision)");
            }
            payments.insertPending(t, id, userId, Money.ofUsd(amountUsd));
            return null;
        });
        SessionCreateParams params = SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .addLineItem(SessionCreateParams.LineItem.builder()
                        .setQuantity(1L)
                        .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
                                .setCurrency("usd")
                                .setUnitAmount(amountUsd * 100)
                                .setProductData(SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                        .setName("Dexto credits ($" + amountUsd + ")").build())
                                .build())
                        .build())
                .setClientReferenceId(userId)
                .putMetadata("user_id", userId)
                .putMetadata("transaction_id", id.toString())
                .setSuccessUrl(settings.successUrl)
                .setCancelUrl(settings.cancelUrl)
                .build();
        Session session;
        try {
            session = stripe.v1().checkout().sessions().create(params,
                    RequestOptions.builder().setIdempotencyKey("dexto-checkout-" + id).build());
        } catch (StripeException e) {
            log.warn("Stripe refused a checkout session: {} ({})", e.getCode(), e.getStatusCode());
            tx.inTransaction(t -> {
                payments.settleUnpaid(t, id, "failed");
                return null;
            });
            throw ApiException.upstream("Payment provider unavailable");
        }
        tx.inTransaction(t -> {
            payments.attachSession(t, id, session.getId());
            return null;
        });
        return new Started(id, session.getId(), session.getUrl());
    }
}
