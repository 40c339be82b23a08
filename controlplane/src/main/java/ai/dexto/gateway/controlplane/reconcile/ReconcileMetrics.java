package ai.dexto.gateway.controlplane.reconcile;

import ai.dexto.gateway.common.money.Money;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The reconciler's Prometheus gauges, from its last sweep's totals. */
public final class ReconcileMetrics {
    private ReconcileMetrics() {
    }

    public static void register(Reconciler reconciler, PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("dexto_control_reconciliation_drift_usd")
                .help("Σ |ledger − upstream usage| over users whose drift is confirmed")
                .callback(cb -> cb.call(Money.toBigDecimal(reconciler.summary().totalDriftNanos()).doubleValue()))
                .register(registry);
        GaugeWithCallback.builder().name("dexto_control_reconciliation_users_drifting")
                .help("Users whose ledger and upstream usage differ on two checks in a row")
                .callback(cb -> cb.call(reconciler.summary().usersDrifting()))
                .register(registry);
        GaugeWithCallback.builder().name("dexto_control_pending_usage")
                .help("Usage rows whose cost is still provisional (waiting for the upstream's record)")
                .callback(cb -> cb.call(reconciler.summary().pendingRows()))
                .register(registry);
        GaugeWithCallback.builder().name("dexto_control_negative_balances")
                .help("Users whose balance is below zero")
                .callback(cb -> cb.call(reconciler.summary().negativeBalances()))
                .register(registry);
    }
}
