package ai.dexto.gateway.dataplane.pipeline;

import ai.dexto.gateway.common.logging.LogFields;
import ai.dexto.gateway.dataplane.credit.Settler;
import ai.dexto.gateway.dataplane.http.GatewayError;
import ai.dexto.gateway.dataplane.relay.ChatCall;
import ai.dexto.gateway.dataplane.relay.ChatExchange;
import ai.dexto.gateway.dataplane.relay.ChatExchanges;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step "relay": hands a reserved chat to a {@link ChatExchange} (the origin side, in the relay
 * package), which owns its reservation from then on, and tells the running exchange what the client
 * connection does (closed, writable again). If handing over fails, the reservation is released here.
 */
final class RelayChat extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RelayChat.class);
    static final AsciiString SESSION = AsciiString.cached("x-dexto-session-id");

    private final ChatExchanges exchanges;
    private final Settler settler;
    private final boolean forwardSimHeaders;
    private ChatExchange running;

    RelayChat(ChatExchanges exchanges, Settler settler, boolean forwardSimHeaders) {
        this.exchanges = exchanges;
        this.settler = settler;
        this.forwardSimHeaders = forwardSimHeaders;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof GatewayRequest r) || r.route != Route.CHAT) {
            ctx.fireChannelRead(msg);
            return;
        }
        ChatCall call = new ChatCall(r.account, r.keyId, r.model, r.upstreamBody, r.chat.stream(), r.reservedNanos,
                r.spendableAfter, r.idHigh, r.idLow, r.id(), r.traceId(), r.head.headers().get(SESSION), r.receivedNanos,
                System.nanoTime(), simHeaders(r.head.headers()), r);
        r.upstreamBody = null; // the exchange's now
        try {
            running = exchanges.start(ctx, call);
        } catch (RuntimeException e) {
            LOG.atError().setMessage("chat request failed before reaching the upstream")
                    .addKeyValue(LogFields.REQUEST_ID, r.id()).addKeyValue(LogFields.TRACE_ID, r.traceId())
                    .addKeyValue(LogFields.USER, r.account.logId()).setCause(e).log();
            if (running == null || !running.requestId().equals(r.id())) {
                r.account.release(r.reservedNanos);
                settler.unadmit();
                call.body().release();
            }
            r.refused = true;
            ctx.writeAndFlush(GatewayError.INTERNAL.response());
        }
    }

    private HttpHeaders simHeaders(HttpHeaders in) {
        if (!forwardSimHeaders) {
            return null;
        }
        HttpHeaders out = null;
        for (Map.Entry<String, String> h : in) {
            if (h.getKey().regionMatches(true, 0, "x-sim-", 0, 6)) {
                if (out == null) {
                    out = new DefaultHttpHeaders();
                }
                out.add(h.getKey(), h.getValue());
            }
        }
        return out;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        ChatExchange e = running;
        running = null;
        if (e != null) {
            e.clientGone();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        ChatExchange e = running;
        if (e != null) {
            e.clientWritabilityChanged(ctx.channel().isWritable());
        }
        super.channelWritabilityChanged(ctx);
    }
}
