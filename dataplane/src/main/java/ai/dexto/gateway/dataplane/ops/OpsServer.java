package ai.dexto.gateway.dataplane.ops;

import ai.dexto.gateway.dataplane.front.ClientGate;
import ai.dexto.gateway.dataplane.front.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The ops port ({@code /health}, {@code /ready}, {@code /metrics}) on its own event loop, so a busy
 * gateway still answers its probes. Bound to loopback unless configured; small caps (64 connections,
 * 8 per address, 4 KB requests, 10 s without a byte closes) because nobody but the node's operators
 * and scrapers has business here.
 */
public final class OpsServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    private OpsServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    public static OpsServer start(Transport transport, String host, int port, GatewayMetrics metrics,
                                  Supplier<String> notReadyBecause) throws InterruptedException {
        EventLoopGroup group = transport.newGroup(1, "dexto-ops");
        OpsHandler handler = new OpsHandler(metrics, notReadyBecause);
        ClientGate gate = new ClientGate(64, 8, false);
        try {
            Channel ch = new ServerBootstrap().group(group).channel(transport.serverChannel())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel c) {
                            c.pipeline().addLast(gate, new ReadTimeoutHandler(10, TimeUnit.SECONDS),
                                    new HttpServerCodec(1024, 4096, 4096), new HttpObjectAggregator(4096), handler);
                        }
                    })
                    .bind(new InetSocketAddress(host, port)).sync().channel();
            return new OpsServer(group, ch);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
