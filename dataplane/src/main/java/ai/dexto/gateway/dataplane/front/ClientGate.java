package ai.dexto.gateway.dataplane.front;

import ai.dexto.gateway.dataplane.http.GatewayError;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * First handler of every client connection: caps open connections in total and per client address.
 * Past a cap the connection gets a raw 503 (plain text only; a TLS client just sees the close) before
 * any HTTP parsing, so a flood from one address costs little and cannot crowd out other clients.
 * The per-address table holds only addresses with open connections, so it is bounded by the total cap.
 */
@ChannelHandler.Sharable
public final class ClientGate extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("dexto.gate.counted");

    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> byAddress = new ConcurrentHashMap<>();
    private final int maxTotal;
    private final int maxPerAddress;
    private final boolean tls;

    public ClientGate(int maxTotal, int maxPerAddress, boolean tls) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.tls = tls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = addressOf(ctx);
        AtomicInteger mine = byAddress.compute(address, (a, n) -> {
            AtomicInteger c = n == null ? new AtomicInteger() : n;
            c.incrementAndGet();
            return c;
        });
        ctx.channel().attr(COUNTED).set(address);
        boolean over = open.incrementAndGet() > maxTotal | mine.get() > maxPerAddress;
        if (over) {
            if (tls) {
                ctx.close();
            } else {
                ctx.writeAndFlush(GatewayError.TOO_MANY_CONNECTIONS.raw()).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = ctx.channel().attr(COUNTED).getAndSet(null);
        if (address != null) {
            open.decrementAndGet();
            byAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
        super.channelInactive(ctx);
    }

    public int open() {
        return open.get();
    }

    /** Addresses with at least one open connection. */
    public int addresses() {
        return byAddress.size();
    }

    static InetAddress addressOf(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress()
                : InetAddress.getLoopbackAddress();
    }
}
