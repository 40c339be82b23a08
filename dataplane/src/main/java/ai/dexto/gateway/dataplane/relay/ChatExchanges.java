package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.dataplane.account.UpstreamKeyHealer;
import ai.dexto.gateway.dataplane.credit.CreditPolicy;
import ai.dexto.gateway.dataplane.credit.Settler;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import io.netty.channel.ChannelHandlerContext;

/** Starts chat exchanges, giving each part of one exactly what it uses. Shared by the node's event loops. */
public final class ChatExchanges {
    private final UpstreamClient upstreams;
    private final Settler settler;
    private final GenerationLookup generations;
    private final CreditPolicy credit;
    private final CircuitBreakers breakers;
    private final UpstreamKeyHealer healer;
    private final RelayTimeouts timeouts;
    private final ExchangeRegistry registry;
    private final GatewayMetrics metrics;

    public ChatExchanges(UpstreamClient upstreams, Settler settler, GenerationLookup generations, CreditPolicy credit,
                         CircuitBreakers breakers, UpstreamKeyHealer healer, RelayTimeouts timeouts,
                         ExchangeRegistry registry, GatewayMetrics metrics) {
        this.upstreams = upstreams;
        this.settler = settler;
        this.generations = generations;
        this.credit = credit;
        this.breakers = breakers;
        this.healer = healer;
        this.timeouts = timeouts;
        this.registry = registry;
        this.metrics = metrics;
    }

    /** Starts relaying {@code call}, whose answer goes to {@code client} (the relay step's context). */
    public ChatExchange start(ChannelHandlerContext client, ChatCall call) {
        UsageScanner scanner = new UsageScanner();
        ClientAnswer answer = new ClientAnswer(client, call.spendableAfter() + call.reservedNanos());
        ExchangeLedger ledger = new ExchangeLedger(call, settler, generations, credit, metrics, scanner,
                client.channel().eventLoop(), timeouts.inFlightRecord());
        UpstreamLeg upstream = new UpstreamLeg(upstreams, client.channel().eventLoop(),
                breakers.forRoute(call.model().id()), metrics, call.account().userId());
        ChatExchange e = new ChatExchange(call, answer, scanner, ledger, upstream, healer, timeouts, registry, metrics);
        e.start();
        return e;
    }

    public ExchangeRegistry registry() {
        return registry;
    }
}
