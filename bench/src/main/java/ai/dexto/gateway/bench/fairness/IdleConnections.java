package ai.dexto.gateway.bench.fairness;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code count} connections that never send a byte, spread over enough source addresses to stay under
 * the per-address cap; each one the gateway closes is opened again, so the gateway holds about
 * {@code count} idle sockets for as long as the attack runs.
 */
final class IdleConnections implements AutoCloseable {
    static final int PER_ADDRESS = 250;

    private final InetSocketAddress target;
    private final int count;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private final AtomicLong closedByGateway = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean stopped;

    IdleConnections(InetSocketAddress target, int count) {
        this.target = target;
        this.count = count;
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        bootstrap = new Bootstrap().group(group).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new Discard());
    }

    /** Drops whatever the gateway sends (e.g. a 408 before it closes). */
    @ChannelHandler.Sharable
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Opens them all; returns once {@code count} are open (or {@code timeout} passed). */
    void start(Duration timeout) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            connect(i);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (open) {
            while (open.get() < count && System.nanoTime() < deadline) {
                open.wait(100);
            }
        }
    }

    private void connect(int index) {
        if (stopped) {
            return;
        }
        ChannelFuture f = bootstrap.connect(target, new InetSocketAddress(Attack.loopback(index / PER_ADDRESS), 0));
        f.addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                refused.incrementAndGet();
                if (!stopped) {
                    group.schedule(() -> connect(index), 100, TimeUnit.MILLISECONDS);
                }
                return;
            }
            opened();
            done.channel().closeFuture().addListener(c -> {
                open.decrementAndGet();
                if (!stopped) {
                    closedByGateway.incrementAndGet();
                    connect(index);
                }
            });
        });
    }

    private void opened() {
        mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        synchronized (open) {
            open.notifyAll();
        }
    }

    int open() {
        return open.get();
    }

    String summary() {
        return "at most " + mostOpen.get() + " of " + count + " open at once, from "
                + ((count + PER_ADDRESS - 1) / PER_ADDRESS) + " addresses; the gateway closed " + closedByGateway.get()
                + " (each reopened), connects failed " + refused.get();
    }

    @Override
    public void close() {
        stopped = true;
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
