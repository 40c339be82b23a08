package ai.dexto.gateway.dataplane;

import ai.dexto.gateway.dataplane.auth.KeyCache;
import ai.dexto.gateway.dataplane.auth.KeyLookups;
import ai.dexto.gateway.dataplane.feed.FeedApplier;
import ai.dexto.gateway.dataplane.front.ClientGate;
import ai.dexto.gateway.dataplane.journal.UsageJournal;
import ai.dexto.gateway.dataplane.models.ModelCatalog;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import ai.dexto.gateway.dataplane.pipeline.BodyBudget;
import ai.dexto.gateway.dataplane.relay.CircuitBreakers;
import ai.dexto.gateway.dataplane.relay.ExchangeRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;

/** The metrics read from the parts' own state at scrape time (nothing on the request path). */
final class GatewayGauges {
    private GatewayGauges() {
    }

    static void register(GatewayMetrics m, KeyCache keys, UsageJournal journal, FeedApplier feed,
                         CircuitBreakers breakers, ModelCatalog models, ClientGate gate, BodyBudget bodies,
                         KeyLookups lookups, ExchangeRegistry exchanges) {
        m.gauge("dexto_gateway_key_cache_size", "API keys held in memory", keys::size);
        m.gauge("dexto_gateway_key_negative_cache_size", "Unknown keys remembered (size-capped)", keys::unknownSize);
        m.gauge("dexto_gateway_key_lookups_in_flight", "Cache misses being asked of the control plane", lookups::inFlight);
        m.gauge("dexto_gateway_journal_backlog", "Usage events published but not yet written", journal::backlog);
        m.gauge("dexto_gateway_journal_available", "1 while the journal admits requests (writer writing, disk above "
                + "its floor)", () -> journal.available() ? 1 : 0);
        m.counterFn("dexto_gateway_journal_written", "Usage events written to the journal", journal::written);
        m.counterFn("dexto_gateway_journal_write_failures", "Journal appends that failed (each is retried)",
                journal::writeFailures);
        m.gauge("dexto_gateway_feed_lag_seconds", "Seconds since the control-plane feed last answered", feed::lagSeconds);
        m.labelledGauge("dexto_gateway_circuit_open", "1 while a route's upstream circuit breaker is open", "route",
                sink -> breakers.forEach((route, open) -> sink.accept(route, open ? 1 : 0)));
        m.gauge("dexto_gateway_models", "Models in the catalogue", () -> models.snapshot().byId().size());
        m.gauge("dexto_gateway_connections", "Open client connections", gate::open);
        m.gauge("dexto_gateway_connection_addresses", "Client addresses with open connections", gate::addresses);
        m.gauge("dexto_gateway_body_memory_bytes", "Request body bytes held by requests in progress", bodies::held);
        m.gauge("dexto_gateway_open_exchanges", "Chat requests not settled yet", exchanges::open);
        // Netty allocates its pooled and unpooled direct buffers outside the JVM's buffer-pool counters
        m.gauge("dexto_gateway_netty_direct_memory_bytes", "Direct memory Netty's buffers hold",
                PlatformDependent::usedDirectMemory);
        m.gauge("dexto_gateway_netty_pooled_direct_bytes", "Direct memory in Netty's buffer pool's arenas",
                () -> PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory());
    }
}
