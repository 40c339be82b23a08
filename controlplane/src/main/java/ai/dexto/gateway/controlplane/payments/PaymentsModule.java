package ai.dexto.gateway.controlplane.payments;

import ai.dexto.gateway.controlplane.auth.StaticTokenAuth;
import ai.dexto.gateway.controlplane.auth.UserAuthenticator;
import ai.dexto.gateway.controlplane.config.ControlPlaneConfiguration;
import ai.dexto.gateway.controlplane.daos.LedgerDao;
import ai.dexto.gateway.controlplane.daos.UserDao;
import ai.dexto.gateway.controlplane.db.Transactions;
import ai.dexto.gateway.controlplane.provisioning.UpstreamLimits;
import io.dropwizard.core.setup.Environment;

/** Wires Stripe checkout, the webhook and transaction views. */
public final class PaymentsModule {
    private PaymentsModule() {
    }

    public static void register(ControlPlaneConfiguration config, Environment env, Transactions tx,
                                UserAuthenticator userAuth, StaticTokenAuth adminAuth, UserDao users,
                                LedgerDao ledger, UpstreamLimits limits) {
    }
}
