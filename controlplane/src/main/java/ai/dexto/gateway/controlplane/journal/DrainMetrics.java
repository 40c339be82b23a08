package ai.dexto.gateway.controlplane.journal;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The drain's per-node Prometheus gauges, read from the drainers at each scrape. */
public final class DrainMetrics {
    private DrainMetrics() {
    }

    public static void register(JournalDrain drain, PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("dexto_control_drain_failed")
                .help("1 while the drain of a node's journal is halted (undecodable event, lost or replaced journal)")
                .labelNames("node")
                .callback(cb -> drain.status().forEach((node, s) -> cb.call(s[3], node)))
                .register(registry);
        GaugeWithCallback.builder().name("dexto_control_drain_lag_events")
                .help("Journaled usage events of a node not yet applied to PostgreSQL")
                .labelNames("node")
                .callback(cb -> drain.status().forEach((node, s) -> cb.call(s[0], node)))
                .register(registry);
    }
}
