package ai.dexto.gateway.dataplane.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * Keep-alive connections to the control plane's public API, one small pool per event loop (the
 * forwarded request and its client stay on one loop). A connection's pipeline is
 * {@code [tls] → codec → receiver}; the receiver hands what it reads to the forwarder using it.
 */
public final class ControlPlaneConnections {
    private static final int MAX_IDLE = 16;

    private final String host;
    private final int port;
    private final String hostHeader;
    private final Bootstrap template;
    private final FastThreadLocal<ArrayDeque<Channel>> idle = new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<Channel> initialValue() {
            return new ArrayDeque<>();
        }
    };

    /** {@code caFile}: extra trust anchors (PEM) for an https control plane; null for the JVM's own. */
    public ControlPlaneConnections(String controlUrl, Path caFile, Class<? extends Channel> channelClass)
            throws SSLException {
        URI uri = URI.create(controlUrl);
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        this.hostHeader = uri.getPort() > 0 ? host + ":" + port : host;
        SslContextBuilder client = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
        if (caFile != null) {
            client.trustManager(caFile.toFile());
        }
        SslContext ssl = tls ? client.build() : null;
        this.template = new Bootstrap().channel(channelClass)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast("codec", new HttpClientCodec(8192, 16 * 1024, 64 * 1024));
                        ch.pipeline().addLast("receiver", new Receiver());
                    }
                });
    }

    String hostHeader() {
        return hostHeader;
    }

    ChannelFuture acquire(EventLoop loop) {
        ArrayDeque<Channel> pool = idle.get();
        Channel ch;
        while ((ch = pool.pollLast()) != null) {
            if (ch.isActive()) {
                return ch.newSucceededFuture();
            }
        }
        return template.clone(loop).connect(host, port);
    }

    void release(Channel ch) {
        ArrayDeque<Channel> pool = idle.get();
        receiver(ch).listener = null;
        if (ch.isActive() && pool.size() < MAX_IDLE) {
            pool.addLast(ch);
            ch.read(); // an idle connection that the control plane closes leaves the pool
        } else {
            ch.close();
        }
    }

    static Receiver receiver(Channel ch) {
        return ch.pipeline().get(Receiver.class);
    }

    /** What a forwarder learns from its control-plane connection. */
    interface Listener extends Consumer<Object> {
        void readComplete();

        void closed();
    }

    static final class Receiver extends ChannelInboundHandlerAdapter {
        Listener listener;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Listener l = listener;
            if (l == null) {
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            l.accept(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            Listener l = listener;
            if (l != null) {
                l.readComplete();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Listener l = listener;
            listener = null;
            if (l != null) {
                l.closed();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
