package ai.dexto.gateway.controlplane.payments;

import ai.dexto.gateway.controlplane.auth.StaticTokenAuth;
import ai.dexto.gateway.controlplane.auth.UserAuthenticator;
import ai.dexto.gateway.controlplane.config.ControlPlaneConfiguration;
import ai.dexto.gateway.controlplane.config.StripeSettings;
import ai.dexto.gateway.controlplane.daos.DisputeDao;
import ai.dexto.gateway.controlplane.daos.LedgerDao;
import ai.dexto.gateway.controlplane.daos.PaymentsDao;
import ai.dexto.gateway.controlplane.daos.UnmatchedPaymentDao;
import ai.dexto.gateway.controlplane.daos.UserDao;
import ai.dexto.gateway.controlplane.db.Transactions;
import ai.dexto.gateway.controlplane.provisioning.UpstreamLimits;
import com.stripe.StripeClient;
import io.dropwizard.core.setup.Environment;

/** Wires Stripe checkout, the webhook and the transaction views; Stripe is reached only through its SDK. */
public final class PaymentsModule {
    private PaymentsModule() {
    }

    public static void register(ControlPlaneConfiguration config, Environment env, Transactions tx,
                                UserAuthenticator userAuth, StaticTokenAuth adminAuth, UserDao users,
                                LedgerDao ledger, UpstreamLimits limits) {
        StripeSettings s = config.getStripe();
        PaymentsDao payments = new PaymentsDao(tx.dataSource());
        StripeClient stripe = StripeClient.builder()
                .setApiKey(s.secretKey)
                .setApiBase(s.apiBase)
                .setMaxNetworkRetries(2)
                .build();
        Checkout checkout = new Checkout(stripe, s, tx, users, payments);
        UnmatchedPaymentDao unmatched = new UnmatchedPaymentDao(tx.dataSource());
        Clawbacks clawbacks = new Clawbacks(payments, new DisputeDao(), ledger, unmatched);
        WebhookProcessor webhooks = new WebhookProcessor(s.webhookSecret, s.webhookToleranceSeconds, tx, payments,
                ledger, unmatched, clawbacks);
        env.jersey().register(new PaymentsResource(userAuth, checkout, webhooks, limits));
        env.jersey().register(new TransactionsResource(userAuth, payments, ledger));
        env.jersey().register(new AdminPaymentsResource(adminAuth, tx, payments, unmatched, ledger));
    }
}
