package ai.dexto.gateway.dataplane.pipeline;

import ai.dexto.gateway.dataplane.forward.AccountForwarder;
import ai.dexto.gateway.dataplane.forward.ControlPlaneConnections;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Step "account": the control plane's public API under the gateway's URL, so customers configure one
 * base URL. Each call is forwarded as it is by an {@link AccountForwarder}; the control plane
 * authenticates it. {@code /admin} and {@code /internal} never get here (the router answers 404).
 */
final class ForwardAccount extends ChannelInboundHandlerAdapter {
    private final ControlPlaneConnections connections;
    private final long maxBodyBytes;
    private final long timeoutNanos;
    private final boolean tls;
    private AccountForwarder current;
    private AccountForwarder receiving;

    ForwardAccount(ControlPlaneConnections connections, long maxBodyBytes, long timeoutNanos, boolean tls) {
        this.connections = connections;
        this.maxBodyBytes = maxBodyBytes;
        this.timeoutNanos = timeoutNanos;
        this.tls = tls;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof GatewayRequest r && r.route == Route.ACCOUNT) {
            current = new AccountForwarder(connections, ctx, maxBodyBytes, timeoutNanos);
            receiving = r.bodyDone ? null : current;
            current.start(r.head, r.client, tls, r.id(), r.traceId());
            return;
        }
        if (msg instanceof HttpContent c && receiving != null) {
            receiving.content(c);
            if (c instanceof LastHttpContent) {
                receiving = null;
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (current != null) {
            current.clientGone();
            current = null;
        }
        super.channelInactive(ctx);
    }
}
