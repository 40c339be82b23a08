package ai.dexto.gateway.sim.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.net.InetSocketAddress;

/**
 * One listening HTTP/1.1 socket. The pipeline is codec → keep-alive → aggregator → the side's router:
 * request bodies here are small JSON or form documents, so aggregating them keeps every handler
 * simple, while responses may still stream (the keep-alive handler follows chunked responses too).
 */
public final class HttpListener implements AutoCloseable {
    /** Far above any chat request a gateway forwards; larger bodies get the aggregator's 413. */
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final Channel channel;

    private HttpListener(Channel channel) {
        this.channel = channel;
    }

    public static HttpListener bind(Transport transport, EventLoopGroup group, String host, int port,
                                    ChannelHandler... routers) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast("codec", new HttpServerCodec())
                                .addLast("keepAlive", new HttpServerKeepAliveHandler())
                                .addLast("aggregator", new HttpObjectAggregator(MAX_BODY_BYTES));
                        // each router takes the paths it owns and passes the others on (the last takes all)
                        for (int i = 0; i < routers.length; i++) {
                            ch.pipeline().addLast("router" + i, routers[i]);
                        }
                    }
                });
        Channel channel = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
        return new HttpListener(channel);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
