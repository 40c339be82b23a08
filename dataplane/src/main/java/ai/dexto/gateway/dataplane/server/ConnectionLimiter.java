package ai.dexto.gateway.dataplane.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps open client connections. Past the cap a new connection gets a raw 503 and is closed before
 * any HTTP parsing, so a flood costs little.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private final AtomicInteger open = new AtomicInteger();
    private final int max;
    private final boolean tls;

    public ConnectionLimiter(int max, boolean tls) {
        this.max = max;
        this.tls = tls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > max) {
            if (tls) {
                ctx.close();
            } else {
                ctx.writeAndFlush(HttpErrors.raw(503, "Service Unavailable", "service_unavailable",
                        "too_many_connections", "Too many connections; retry shortly."))
                        .addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }

    public int open() {
        return open.get();
    }
}
